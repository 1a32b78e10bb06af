#!/bin/sh
# Runs once, when the primary's data folder is first created (docker-entrypoint-initdb.d):
# lets the streaming replica of the `scale` profile (db-replica) connect with the password.
# A primary created before this script existed: add the same line to pg_hba.conf by hand and
# run `SELECT pg_reload_conf();`.
set -e
echo "host replication all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
