// Truncation: beta functions derived from functional RG equations.
