import csv
import datetime as dt
import io

import pytest
from django.http import StreamingHttpResponse

from bigsocnorth.core.csv import csv_response, csv_rows, csv_safe_cell


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 114", "'+44 114"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("plain = fine", "plain = fine"),
        ("", ""),
        (None, ""),
        (-3, "-3"),
        (2.5, "2.5"),
        (True, "true"),
        (dt.date(2020, 1, 2), "2020-01-02"),
    ],
)
def test_cells_a_spreadsheet_would_run_get_an_apostrophe(value, cell):
    assert csv_safe_cell(value) == cell


def test_rows_are_quoted_and_read_back_exactly():
    awkward = 'Friends, "Allies"\nand neighbours'
    text = "".join(csv_rows(["A", "B"], [[awkward, "=1+1"], ["ünïcode", None]]))
    assert text.endswith("\r\n")
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["A", "B"],
        [awkward, "'=1+1"],
        ["ünïcode", ""],
    ]


def test_the_response_streams_a_download():
    consumed = []

    def rows():
        for number in range(3):
            consumed.append(number)
            yield [number]

    response = csv_response(filename="things.csv", header=["N"], rows=rows())
    assert isinstance(response, StreamingHttpResponse)
    assert consumed == []  # nothing is read before it is sent
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="things.csv"'
    assert b"".join(response.streaming_content).decode() == "N\r\n0\r\n1\r\n2\r\n"
