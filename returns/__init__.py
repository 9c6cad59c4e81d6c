"""The period return: officers enter figures and commentary (form or workbook), the
performance team returns, signs off and publishes them. `workflow.py` is the only writer
of figures and their commentary."""
