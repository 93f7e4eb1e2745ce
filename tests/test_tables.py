"""Tables as columns: dtypes fixed per column, joining equals joining DataFrames."""

import numpy as np
import pandas as pd
import pytest

from analysis.tables import Table, tidy

DTYPES = {"name": "str", "n": "int64", "share": "float64", "kind": pd.CategoricalDtype(["a", "b"]),
          "flag": "bool", "note": "object"}


def table(names, n, share, kind, flag, note):
    return Table({"name": names, "n": np.array(n, dtype="int64"), "share": share,
                  "kind": np.array(kind, dtype="int8"), "flag": flag, "note": note}, DTYPES)


def test_frame_has_the_declared_dtypes_and_values():
    df = table(["x", "y"], [1, 2], [0.5, 0.25], [1, 0], [True, False], [None, "z"]).frame()
    assert list(df.columns) == list(DTYPES)
    assert str(df["name"].dtype) == "str"
    assert df["n"].dtype == np.int64 and df["share"].dtype == np.float64
    assert df["kind"].astype(str).tolist() == ["b", "a"]
    assert df["flag"].tolist() == [True, False]
    assert df["note"].dtype == object and df["note"].tolist() == [None, "z"]
    assert isinstance(df.index, pd.RangeIndex)


def test_empty_table_keeps_the_dtypes():
    df = Table.empty(DTYPES).frame()
    assert len(df) == 0
    assert df.dtypes.astype(str).tolist() == ["str", "int64", "float64", "category", "bool", "object"]


def test_concat_equals_concatenating_the_frames():
    parts = [table(["x"], [1], [0.5], [1], [True], ["p"]),
             Table.empty(DTYPES),
             table(["y", "z"], [2, 3], [0.1, 0.2], [0, 0], [False, True], [None, "q"])]
    joined = Table.concat(parts).frame()
    expected = pd.concat([p.frame() for p in parts if len(p)], ignore_index=True)
    pd.testing.assert_frame_equal(joined, expected, check_exact=True)
    assert len(joined) == 3


def test_concat_refuses_different_columns():
    other = Table({"name": ["x"]}, {"name": "str"})
    with pytest.raises(ValueError, match="different columns"):
        Table.concat([table(["x"], [1], [0.5], [1], [True], ["p"]), other])


def test_columns_must_match_dtypes_and_lengths():
    with pytest.raises(ValueError, match="columns and dtypes differ"):
        Table({"a": [1]}, {"b": "int64"})
    with pytest.raises(ValueError, match="different lengths"):
        Table({"a": [1], "b": [1, 2]}, {"a": "int64", "b": "int64"})


def test_prepend_puts_the_column_first():
    t = table(["x", "y"], [1, 2], [0.1, 0.2], [0, 1], [True, True], ["p", "q"])
    first = t.prepend("doc_id", ["d", "d"], "str").frame()
    assert list(first.columns)[:2] == ["doc_id", "name"] and first["doc_id"].tolist() == ["d", "d"]


def test_tidy_gives_a_dataframe_and_keeps_the_table_function():
    @tidy
    def measure(k: int) -> Table:
        """Doc."""
        return Table({"k": np.arange(k, dtype="int64")}, {"k": "int64"})

    assert measure(3)["k"].tolist() == [0, 1, 2]
    assert isinstance(measure.table(2), Table) and len(measure.table(2)) == 2
    assert measure.__doc__ == "Doc." and measure.__name__ == "measure"


def test_str_columns_from_lists_with_missing_and_non_str_values():
    t = Table({"a": ["x", None, float("nan")], "b": [1, "y", None]}, {"a": "str", "b": "str"})
    df = t.frame()
    pd.testing.assert_series_equal(df["a"], pd.Series(pd.array(["x", None, None], dtype="str"), name="a"))
    assert df["b"].tolist()[:2] == ["1", "y"] and pd.isna(df["b"].iloc[2])
