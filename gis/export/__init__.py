"""Exports for review: print maps (PNG/PDF), the executive report (PDF), the strategy workbook
(Excel) and the GeoPackage. :data:`gis.export.exports.EXPORTS` maps each file name to its function."""
