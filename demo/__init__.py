"""The demo `make run` loads: each app's demo.py seeds its part, this app runs them in order.

It sits above every other app, so the lower ones (core above all) never import the upper ones.
"""
