"""The demo: a believable school, its people and every stage of both forms, on fixed data."""

from toolkit.demo.build import (
    build_student,
    build_teacher,
    run_demo,
    run_pairing_demo,
    run_results_demo,
    run_work_demo,
)

__all__ = ["build_student", "build_teacher", "run_demo", "run_pairing_demo", "run_results_demo", "run_work_demo"]
