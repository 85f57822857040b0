"""Letters to the child and family: composing them from the decision and the catalogue, checking
them (readability, honesty, completeness), and rendering them as HTML and PDF."""
