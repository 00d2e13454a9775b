"""Four short news stories (two tell one event) for related-stories tests."""

from __future__ import annotations

STORIES = [
    (
        "Earthquake kills 40 in Qazvin province, Iran",
        "A magnitude 6.1 earthquake struck Qazvin province in northern Iran, killing at least "
        "40 people, the Iranian Red Crescent said. Rescuers searched homes in Abyek.",
    ),
    (
        "Iran: dozens dead after Qazvin quake",
        "At least 40 people died when a 6.1 magnitude earthquake hit Qazvin province in Iran, "
        "according to the Red Crescent. In Abyek, rescuers dug through collapsed homes.",
    ),
    (
        "Rovers win the cup final in extra time",
        "Rovers beat United 2-1 after extra time at the national stadium, with a late header "
        "from their captain deciding a tense cup final watched by 80,000 fans.",
    ),
    (
        "Central bank holds interest rates at 4%",
        "The central bank kept its benchmark interest rate unchanged, saying inflation had "
        "eased but wages were still rising faster than productivity.",
    ),
]
