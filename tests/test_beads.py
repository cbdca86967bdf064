"""The beads format: one writer, one reader, and the reader refuses what is not an alignment."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from align.alignment.beads import Bead, format_bead, read_beads, write_beads
from align.cli import cli
from align.errors import InputError
from conftest import shared_path


def test_written_beads_read_back(tmp_path: Path) -> None:
    beads = [Bead((0,), (0, 1), 0.8123), Bead((1, 2), (), 0.0), Bead((), (2,)), Bead((3,), (3,))]
    out = io.StringIO()
    write_beads(out, beads)
    assert out.getvalue() == "[0]:[0, 1]:0.8123\n[1, 2]:[]:0.0000\n[]:[2]\n[3]:[3]\n"
    path = tmp_path / "a.beads"
    path.write_text(out.getvalue(), encoding="utf-8")
    assert read_beads(str(path)) == beads
    assert format_bead(beads[0], with_score=False) == "[0]:[0, 1]"


def test_lists_from_json_become_tuples() -> None:
    assert Bead([1, 2], [3], 0.5) == Bead((1, 2), (3,), 0.5)  # type: ignore[arg-type]


def test_the_textberg_gold_reads() -> None:
    gold = read_beads(str(shared_path("data", "textberg-dev", "dev.defr")))
    assert len(gold) == 422


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("[0]:[0]\n[-1]:[1]\n", 2, "sentence index -1 out of range"),
        ("[0]:[0]\n\n[99999999999]:[1]\n", 3, "sentence index 99999999999 out of range"),
        ("[0]:[0]\n[]:[]\n", 2, "empty bead"),
        ("[0, 1]:[0]\n[1, 2]:[1]\n", 2, "source sentence 1 is already in the bead on line 1"),
        ("[0]:[0]\n[1]:[1]\n[1]:[1]\n", 3, "source sentence 1 is already in the bead on line 2"),
        ("[0]:[0, 1]\n[1]:[1]\n", 2, "target sentence 1 is already in the bead on line 1"),
        ("[0, 0]:[1]\n", 1, "a sentence listed twice"),
        ("[0]:[0]\n[1]-[1]\n", 2, "not a bead line"),
    ],
)
def test_invalid_beads_name_the_file_and_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = tmp_path / "bad.beads"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_beads(str(path))
    assert err.value.message.startswith(f"{path}:{line}: ")
    assert message in err.value.message


def test_indices_beyond_known_documents(tmp_path: Path) -> None:
    path = tmp_path / "a.beads"
    path.write_text("[0]:[0]\n[1]:[1, 2]\n", encoding="utf-8")
    assert len(read_beads(str(path), src_len=2, tgt_len=3)) == 2
    with pytest.raises(InputError, match=r"a\.beads:2: target sentence 2 is beyond the document"):
        read_beads(str(path), src_len=2, tgt_len=2)
    with pytest.raises(InputError, match=r"a\.beads:2: source sentence 1 is beyond the document"):
        read_beads(str(path), src_len=1)


@pytest.mark.parametrize("bad", ["[0]:[0]\n[0]:[1]\n", "[]:[]\n", "[-3]:[0]\n"])
def test_eval_align_refuses_invalid_beads_in_one_line(tmp_path: Path, bad: str) -> None:
    gold, pred = tmp_path / "gold", tmp_path / "pred"
    gold.write_text("[0]:[0]\n[1]:[1]\n", encoding="utf-8")
    pred.write_text(bad, encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval-align", "--gold", str(gold), "--pred", str(pred)])
    assert result.exit_code == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"align: error: {pred}:")


def test_eval_align_refuses_indices_beyond_the_documents(tmp_path: Path) -> None:
    data = shared_path("data", "textberg-dev")
    gold = str(data / "dev.defr")
    pred = tmp_path / "pred"  # the gold itself as the prediction
    pred.write_text((data / "dev.defr").read_text(encoding="utf-8"), encoding="utf-8")
    args = ["eval-align", "--gold", gold, "--pred", str(pred), "--format", "json"]
    de, fr = str(data / "dev.de"), str(data / "dev.fr")
    ok = CliRunner().invoke(cli, [*args, "--src", de, "--tgt", fr])
    assert ok.exit_code == 0, ok.output
    assert '"f1_strict": 1.0' in ok.stdout
    # read against a target document that is too short (dev.de has 468 lines, dev.fr 554)
    short = CliRunner().invoke(cli, [*args, "--src", de, "--tgt", de])
    assert short.exit_code == 2
    [line] = short.stderr.splitlines()
    assert line.startswith(f"align: error: {gold}:")
    assert "target sentence 468 is beyond the document (468 sentences" in line
    unpaired = CliRunner().invoke(cli, [*args, "--src", de, "--src", de])
    assert unpaired.exit_code == 2
    assert unpaired.stderr.startswith("align: error: 1 --gold file(s) but 2 --src file(s)")
