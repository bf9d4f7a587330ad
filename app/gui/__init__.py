"""The StorePlan desktop application (PySide6).

It holds no analysis: it gathers parameters, runs ``gis`` work in background workers with progress
and cancel, and shows the results. :mod:`app.gui.state` is the plain application state that the
widgets observe and the tests drive.
"""
