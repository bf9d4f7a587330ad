"""StorePlan's sample city (a synthetic Shanghai) and the script that makes it: ``python -m sample_data.generate``.

Read the files through :mod:`gis.datasets`, which also finds them inside the frozen application.
"""
