"""StorePlan desktop application and command line."""
