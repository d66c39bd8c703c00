"""pytest options for the SQL pipeline tests (tests/sql)."""
import os


def pytest_addoption(parser):
    parser.addoption(
        "--package",
        default=os.environ.get("JATOPIC_PACKAGE"),
        help="a `jatopic package` directory: also run the real-sandbox test "
        "(default: $JATOPIC_PACKAGE; without it that test is skipped)",
    )
    parser.addoption(
        "--readings-package",
        default=os.environ.get("JATOPIC_READINGS_PACKAGE"),
        help="a `jatopic package --readings` directory: also run the real-sandbox "
        "readings test (default: $JATOPIC_READINGS_PACKAGE; without it that test is skipped)",
    )
