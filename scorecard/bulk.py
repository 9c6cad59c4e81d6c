"""Writing tens of thousands of rows in one go: the return workbook, the comparator and
the catalogue imports, the one way the project writes in bulk.

`bulk_create` spends most of a large import in Django's SQL compiler, preparing every value
of every object one field at a time, and sends one statement per batch. These send one
prepared statement for all the rows (executemany), each column's value prepared once per
distinct value (a workbook repeats the same few dozen periods thousands of times), so the
number of queries does not grow with the number of rows. `create_with_history` also writes
the django-simple-history rows that `bulk_create_with_history` would (copied by the database
from the rows just written), so the audit trail of an imported figure names the person who
imported it.

Rows are tuples in the order of the `fields` given (attribute names: "indicator_id", not
"indicator"); every other column takes its model default, or the value in `constants`.
Callers run inside their own transaction.
"""

from collections.abc import Sequence
from functools import cache
from operator import attrgetter

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

# Values of these fields reach both database drivers as they are (Django registers an SQLite
# adapter for Decimal); any other field's values, such as a PeriodField's periods and dates,
# go through get_db_prep_save, once per distinct value.
_READY = {
    models.AutoField,
    models.BigAutoField,
    models.BigIntegerField,
    models.BooleanField,
    models.CharField,
    models.DecimalField,
    models.ForeignKey,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.TextField,
}


class _Table:
    """A model's columns for an insert: the given fields, then every other column's
    constant (its default, or the caller's value), prepared once."""

    def __init__(self, model, fields: Sequence[str], constants: dict | None = None):
        meta = model._meta
        self.model = model
        self.fields = [meta.get_field(name) for name in fields]
        given = {field.attname for field in self.fields}
        constants = dict(constants or {})
        self.constant_fields, constant_values = [], []
        for field in meta.concrete_fields:
            if field.attname in given or (field.primary_key and field.attname not in constants):
                continue  # given in each row, or numbered by the database
            value = constants.pop(field.attname) if field.attname in constants else None
            if value is None and not field.null:
                value = field.get_default()
            self.constant_fields.append(field)
            constant_values.append(field.get_db_prep_save(value, connection))
        if constants:
            raise ValueError(f"{model.__name__} has no column {', '.join(constants)}")
        self.constants = tuple(constant_values)
        self.all_fields = self.fields + self.constant_fields
        quote = connection.ops.quote_name
        self.sql = (
            f"INSERT INTO {quote(meta.db_table)} "
            f"({', '.join(quote(f.column) for f in self.all_fields)}) "
            f"VALUES ({', '.join(['%s'] * len(self.all_fields))})"
        )

    def prepare(self, rows: Sequence[tuple]) -> list[tuple]:
        converted = [
            (index, field) for index, field in enumerate(self.fields) if type(field) not in _READY
        ]
        if not converted:
            constants = self.constants
            return [tuple(row) + constants for row in rows]
        columns = list(zip(*rows, strict=True)) if rows else []
        for index, field in converted:
            memo: dict = {}

            def prepare(value, field=field, memo=memo):
                try:
                    return memo[value]
                except KeyError:
                    memo[value] = field.get_db_prep_save(value, connection)
                    return memo[value]
                except TypeError:  # an unhashable value
                    return field.get_db_prep_save(value, connection)

            columns[index] = map(prepare, columns[index])
        constants = [[value] * len(rows) for value in self.constants]
        return list(zip(*columns, *constants, strict=True))

    def write(self, prepared: list[tuple]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, prepared)  # one statement, however many rows


@cache
def _blank(model) -> tuple:
    """Each concrete field's default: the value itself, or the callable that makes it."""
    defaults = []
    for field in model._meta.concrete_fields:
        made = field.has_default() and callable(field.default)
        defaults.append((made, field.get_default if made else field.get_default()))
    return tuple(defaults)


def new(model, **values) -> models.Model:
    """An unsaved instance, as `model(**values)` makes it, in a quarter of the time: an
    import makes one for each of thousands of lines, and Django works out every field's
    default for every instance it makes from keywords."""
    obj = model(*[default() if made else default for made, default in _blank(model)])
    for name, value in values.items():
        setattr(obj, name, value)
    return obj


def insert(model, fields: Sequence[str], rows: Sequence[tuple], *, constants=None) -> None:
    """Insert rows with one prepared statement."""
    if rows:
        table = _Table(model, fields, constants)
        table.write(table.prepare(rows))


def create_with_history(
    model, fields: Sequence[str], rows: Sequence[tuple], *, key: Sequence[str], by, constants=None
) -> list:
    """Insert rows and a "created" history row for each, naming `by`; the new primary keys,
    in row order. `key` names columns the model holds unique together (integer or text
    columns, given or constant), by which the new rows' keys are read back."""
    if not rows:
        return []
    table = _Table(model, fields, constants)
    prepared = table.prepare(rows)
    table.write(prepared)
    pks = _read_back(table, prepared, key)
    if getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        _write_history(model, pks, by)
    return pks


def _read_back(table: _Table, prepared: list[tuple], key: Sequence[str]) -> list:
    """The primary keys of the rows just written, found by their unique key: a few queries,
    one per 10,000 distinct values of the key's first column."""
    positions = [[f.attname for f in table.all_fields].index(name) for name in key]
    wanted = [tuple(row[i] for i in positions) for row in prepared]
    meta, quote = table.model._meta, connection.ops.quote_name
    columns = [quote(meta.pk.column)] + [quote(meta.get_field(name).column) for name in key]
    firsts = sorted({k[0] for k in wanted})
    chunk = min(10_000, (connection.features.max_query_params or 65_535) - 1)
    found = {}
    with connection.cursor() as cursor:
        for start in range(0, len(firsts), chunk):
            part = firsts[start : start + chunk]
            cursor.execute(
                f"SELECT {', '.join(columns)} FROM {quote(meta.db_table)} "
                f"WHERE {columns[1]} IN ({', '.join(['%s'] * len(part))})",
                part,
            )
            found.update((tuple(row[1:]), row[0]) for row in cursor.fetchall())
    return [found[k] for k in wanted]


def _write_history(model, pks: list, by, kind: str = "+") -> None:
    """A history row for each row ("+" created, "~" changed), copied by the database itself
    from the rows just written (INSERT ... SELECT), so no value travels twice."""
    history, meta = model.history.model, model._meta
    quote = connection.ops.quote_name
    tracked = [history._meta.get_field(f.attname).column for f in meta.concrete_fields]
    extra = {
        "history_date": timezone.now(),
        "history_change_reason": None,
        "history_type": kind,
        "history_user_id": by.pk if by is not None else None,
    }
    columns = [quote(c) for c in tracked + [history._meta.get_field(n).column for n in extra]]
    stamp = [history._meta.get_field(n).get_db_prep_save(v, connection) for n, v in extra.items()]
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(quote(c) for c in tracked)}, %s, %s, %s, %s "
        f"FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} "
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"{sql}= ANY(%s)", [*stamp, list(pks)])
            return
        chunk = (connection.features.max_query_params or 65_535) - len(stamp)
        for start in range(0, len(pks), chunk):
            part = pks[start : start + chunk]
            cursor.execute(f"{sql}IN ({', '.join(['%s'] * len(part))})", [*stamp, *part])


def create_objects_with_history(
    model, objs: Sequence[models.Model], *, key: Sequence[str], by
) -> None:
    """`create_with_history` for unsaved model instances, which get their keys as from
    bulk_create; a foreign key to an object saved earlier in the import is followed."""
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    relations = [f for f in fields if f.is_relation]
    for obj in objs:
        for field in relations:
            if getattr(obj, field.attname) is None and field.is_cached(obj):
                related = field.get_cached_value(obj)
                if related is not None:
                    setattr(obj, field.attname, related.pk)
    names = [f.attname for f in fields]
    row = attrgetter(*names) if len(names) > 1 else lambda obj: (getattr(obj, names[0]),)
    pks = create_with_history(model, names, [row(obj) for obj in objs], key=key, by=by)
    for obj, pk in zip(objs, pks, strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, connection.alias


def update_with_history(model, objs: Sequence[models.Model], fields: Sequence[str], *, by) -> None:
    """Write `fields` of saved model instances with one prepared UPDATE for all of them,
    and a "changed" history row for each, naming `by`."""
    if not objs:
        return
    meta, quote = model._meta, connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    sql = (
        f"UPDATE {quote(meta.db_table)} SET "
        f"{', '.join(f'{quote(field.column)} = %s' for field in columns)} "
        f"WHERE {quote(meta.pk.column)} = %s"
    )
    rows = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in columns]
        + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    if getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        _write_history(model, [obj.pk for obj in objs], by, kind="~")
