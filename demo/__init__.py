"""The demo council, from the seeds: its indicators and figures, register, recovery plans,
comparators and committee meetings, loaded by `manage.py load_demo`. Each app's part is in
its own `demo.py`; this package puts them together."""
