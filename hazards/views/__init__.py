"""Hazard pages, one module a page group. Views declare what to show and call services and
the workflow; nothing more."""
