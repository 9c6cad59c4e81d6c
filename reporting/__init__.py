"""What members read: every page, export, appendix and PDF that shows the scorecard, an
indicator, a plan or the register reads it through this package. Reads only: nothing here
writes, and nothing here imports a view, a form or a service."""
