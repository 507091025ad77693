// Reports: tables, CSV, JSON and SVG plots.
