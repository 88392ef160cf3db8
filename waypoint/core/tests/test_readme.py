import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_it_documents_every_environment_variable_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    settings_source = (ROOT / "waypoint" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', settings_source))
    assert len(names) > 20
    missing = sorted(name for name in names if f"`{name}`" not in readme and name not in readme)
    assert missing == [], f"README's configuration table lacks: {missing}"


def test_it_gives_the_two_commands_and_ci_calls_the_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme
    assert "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
