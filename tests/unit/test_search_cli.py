"""``termnews search``: results, JSON shape, saved searches, mute rules, one-line errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from termnews.cli import main

HIT_KEYS = {
    "id", "title", "title_spans", "feed", "feed_id", "section", "published", "link",
    "author", "read", "starred", "muted", "score", "snippet", "snippet_spans",
}  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def subscribed(capsys: pytest.CaptureFixture[str], feeds_dir: Path) -> None:
    assert run(capsys, "add", str(feeds_dir / "world.xml"), "--section", "World")[0] == 0
    assert run(capsys, "add", str(feeds_dir / "tech.atom"), "--section", "Tech")[0] == 0


@pytest.mark.usefixtures("subscribed")
def test_search_json_shape_and_spans(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "bridge", "--json")
    assert code == 0
    hits = json.loads(out)
    assert [h["title"] for h in hits] == ["Harbour bridge reopens after repairs"]
    hit = hits[0]
    assert set(hit) == HIT_KEYS
    assert [hit["title"][s:e] for s, e in hit["title_spans"]] == ["bridge"]
    assert hit["section"] == "World" and hit["score"] > 0


@pytest.mark.usefixtures("subscribed")
def test_search_text_output_and_words_joined(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "section:tech", "processor")
    assert code == 0
    assert "Chipmaker unveils low-power processor" in out
    assert "The new processor uses half the power." in out
    assert "<p>" not in out


@pytest.mark.usefixtures("subscribed")
def test_limit(capsys: pytest.CaptureFixture[str]) -> None:
    hits = json.loads(run(capsys, "search", "is:unread", "--limit", "2", "--json")[1])
    assert len(hits) == 2


@pytest.mark.usefixtures("subscribed")
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"sea level', "unbalanced quote"),
        ("tag:x", 'unknown filter "tag:"'),
        ("since:soon", "since: expects an age"),
        ("", "nothing to search for in ''"),
        ("   ", "nothing to search for in ''"),
        ("*", "nothing to search for in '*'"),
        ("-- ^", "nothing to search for in '-- ^'"),
    ],
)
def test_bad_queries_are_one_line_errors(
    capsys: pytest.CaptureFixture[str], query: str, message: str
) -> None:
    code, out, err = run(capsys, "search", query)
    assert code == 2 and out == ""
    assert err.startswith("termnews: error: ") and message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.usefixtures("subscribed")
def test_fts_syntax_typed_by_a_user_is_not_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "search", "NEAR(bridge* ^x) AND {title}:")
    assert code == 0 and "error" not in err


@pytest.mark.usefixtures("subscribed")
def test_unknown_section_gets_a_notice(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "search", "section:Sprot", "--json")
    assert code == 0 and json.loads(out) == []
    assert "no section matches 'Sprot'" in err


@pytest.mark.usefixtures("subscribed")
def test_saved_searches_from_config_and_cli(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    Path(os.environ["TERMNEWS_CONFIG"]).write_text(
        '[search.saved]\nBridges = "bridge"\nBroken = "tag:x"\n'
    )
    assert run(capsys, "search", "processor", "--save", "Chips")[0] == 0
    code, out, _ = run(capsys, "search", "--saved", "--json")
    assert code == 0
    saved = {s["name"]: s for s in json.loads(out)}
    assert saved["Bridges"]["total"] == 1 and saved["Bridges"]["source"] == "config"
    assert saved["Chips"]["unread"] == 1 and saved["Chips"]["source"] == "cache"
    assert "unknown filter" in saved["Broken"]["error"]
    assert run(capsys, "search", "--forget", "Chips")[0] == 0
    code, _, err = run(capsys, "search", "--forget", "Bridges")
    assert code == 2 and "config file" in err


@pytest.mark.usefixtures("subscribed")
def test_saving_under_a_name_the_config_has_warns_that_the_config_wins(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # '--save Bridges' said "saved search 'Bridges': processor" and nothing more,
    # while the config's Bridges (which wins on a clash) went on being the one used.
    config = Path(os.environ["TERMNEWS_CONFIG"])
    config.write_text('[search.saved]\nBridges = "bridge"\n')
    code, _, err = run(capsys, "search", "processor", "--save", "Bridges")
    assert code == 0
    assert err.splitlines()[1] == (
        f"termnews: warning: the config file ({config}) has a saved search 'Bridges' "
        "too; it wins: bridge"
    )
    assert "warning" not in run(capsys, "search", "processor", "--save", "Chips")[2]


@pytest.mark.usefixtures("subscribed")
@pytest.mark.parametrize(
    ("argv", "message"),
    [(["bridge", "--save", ""], "a saved search needs a name"), (["--forget", ""], "no saved")],
)
def test_an_empty_saved_search_name_is_an_error(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    # '--save ""' listed results and saved nothing, without a word; '--forget ""' was
    # read as no --forget at all.
    code, out, err = run(capsys, "search", *argv)
    assert code == 2 and out == ""
    assert err.startswith("termnews: error: ") and message in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.usefixtures("subscribed")
@pytest.mark.parametrize("argv", [["--saved", "bridge"], ["bridge", "--forget", "Chips"]])
def test_a_query_beside_saved_or_forget_is_an_error_not_ignored(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    # 'search --saved bridge' listed the saved searches and dropped 'bridge' without a word.
    code, out, err = run(capsys, "search", *argv)
    assert code == 2 and out == ""
    assert "takes no query" in err and "'bridge'" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.usefixtures("subscribed")
def test_mute_rules_from_config_hide_results(capsys: pytest.CaptureFixture[str]) -> None:
    Path(os.environ["TERMNEWS_CONFIG"]).write_text('[search]\nmute = ["bridge", "tag:bad"]\n')
    code, out, err = run(capsys, "search", "bridge", "--json")
    assert code == 0 and json.loads(out) == []
    assert "mute rule 'tag:bad'" in err
    shown = json.loads(run(capsys, "search", "bridge", "--show-muted", "--json")[1])
    assert [h["muted"] for h in shown] == [True]
    listed = json.loads(run(capsys, "articles", "--json")[1])
    assert "Harbour bridge reopens after repairs" not in [a["title"] for a in listed]


def test_removing_the_newest_feed_leaves_later_articles_searchable_and_the_cache_sound(
    capsys: pytest.CaptureFixture[str], feeds_dir: Path
) -> None:
    # Article ids are rowids: removing the feed just added handed its ids to the next
    # feed's articles, below the full-text index's mark, so they were never indexed
    # (nor muted, nor grouped); removing that feed too then took from the index what
    # was never in it, and the next search moved the whole cache aside as damaged.
    import sqlite3

    Path(os.environ["TERMNEWS_CONFIG"]).write_text('[search]\nmute = ["processor"]\n')
    assert run(capsys, "add", str(feeds_dir / "world.xml"))[0] == 0
    assert run(capsys, "add", str(feeds_dir / "news.json"))[0] == 0
    assert run(capsys, "remove", "Fixture JSON")[0] == 0
    assert run(capsys, "add", str(feeds_dir / "tech.atom"))[0] == 0
    code, out, _ = run(capsys, "search", "markup", "--json")
    assert code == 0 and [h["title"] for h in json.loads(out)] == [
        "[bold]Markup[/] in a title stays text"
    ]
    # The mute rule reached the new articles too.
    code, out, _ = run(capsys, "search", "is:muted", "--json")
    assert [h["title"] for h in json.loads(out)] == ["Chipmaker unveils low-power processor"]
    assert run(capsys, "remove", "Fixture Tech")[0] == 0
    code, out, err = run(capsys, "search", "bridge", "--json")
    assert code == 0 and len(json.loads(out)) == 1, err
    data = Path(os.environ["TERMNEWS_DATA_DIR"])
    assert not [p.name for p in data.iterdir() if "broken" in p.name]
    db = sqlite3.connect(data / "termnews.db")
    db.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")
    db.close()


def test_a_cache_that_missed_articles_neither_breaks_nor_stays_unsearchable(
    capsys: pytest.CaptureFixture[str], feeds_dir: Path
) -> None:
    # A cache written before the marks were settled holds articles below the index's
    # mark that the index never took: removing their feed must not corrupt the index,
    # and 'termnews cleanup' indexes those it still has.
    import sqlite3

    data = Path(os.environ["TERMNEWS_DATA_DIR"])
    assert run(capsys, "add", str(feeds_dir / "world.xml"))[0] == 0
    assert run(capsys, "index")[0] == 0  # as a refresh that indexed left it
    db = sqlite3.connect(data / "termnews.db")
    with db:  # as an older version left it: the mark above articles not indexed yet
        db.execute("UPDATE meta SET value = '100' WHERE key = 'fts_indexed_upto'")
    db.close()
    assert run(capsys, "add", str(feeds_dir / "tech.atom"))[0] == 0
    assert run(capsys, "add", str(feeds_dir / "news.json"))[0] == 0
    assert json.loads(run(capsys, "search", "chipmaker", "--json")[1]) == []
    assert run(capsys, "remove", "Fixture JSON")[0] == 0
    code, out, err = run(capsys, "search", "bridge", "--json")
    assert code == 0 and len(json.loads(out)) == 1, err
    assert not [p.name for p in data.iterdir() if "broken" in p.name]
    assert run(capsys, "cleanup", "--no-vacuum")[0] == 0
    hits = json.loads(run(capsys, "search", "chipmaker", "--json")[1])
    assert [h["title"] for h in hits] == ["Chipmaker unveils low-power processor"]
    db = sqlite3.connect(data / "termnews.db")
    db.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")
    db.close()


@pytest.mark.usefixtures("subscribed")
def test_an_offset_past_the_last_result_says_none_are_left_of_how_many(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """'--offset 40' past a search's results said "No articles match.", as if the
    search itself found nothing."""
    code, out, _ = run(capsys, "search", "section:World", "--json")
    total = len(json.loads(out))
    assert code == 0 and total > 0
    code, out, err = run(capsys, "search", "section:World", "--offset", "40")
    assert (code, out) == (0, "")
    assert err.strip() == f"No results left past 40 (of {total})."
    code, out, err = run(capsys, "search", "zzzunmatched", "--offset", "40")
    assert (code, out) == (0, "")
    assert err.strip().splitlines()[-1] == "No articles match."
