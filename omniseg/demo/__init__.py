"""Demo data: the seeded omnichannel demo and the scenario gallery, with planted truth.

Public names are importable from here (``from omniseg.demo import ...``); modules load
on first use, so importing the package stays fast.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach(
    __name__,
    submodules=[
        "generator",
        "interactions",
        "population",
        "responses",
        "scenario_builders",
        "scenario_parts",
        "scenarios",
        "table_files",
    ],
    submod_attrs={
        "generator": ["generate_demo"],
        "population": ["SEGMENTS"],
        "scenario_parts": ["ScenarioData"],
        "scenarios": ["SCENARIOS", "generate_scenario", "scenario_data"],
    },
)
