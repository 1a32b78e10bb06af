"""Inspection pages. Views declare what to show and call services; nothing more."""

PAGE_SIZE = 20
