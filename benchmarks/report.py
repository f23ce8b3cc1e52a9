"""A section's results, printed as a text table and written as Markdown."""

from dataclasses import dataclass, field


@dataclass
class Goal:
    """A target from the issue and whether this run met it."""

    text: str            # e.g. "no notebook over 45 s"
    met: bool | None     # None: not measured in this run
    detail: str = ""     # what was measured, or why it was missed

    @property
    def verdict(self) -> str:
        return {True: "met", False: "MISSED", None: "not measured"}[self.met]


@dataclass
class Section:
    name: str                 # the key --only takes
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    # What went wrong (a notebook that raised, loops that did different
    # work); any failure makes the benchmark command exit non-zero.
    failures: list[str] = field(default_factory=list)

    def text(self) -> str:
        table = [self.columns] + self.rows
        widths = [max(len(row[i]) for row in table)
                  for i in range(len(self.columns))]
        lines = [f"== {self.title} =="]
        for index, row in enumerate(table):
            lines.append("  ".join(cell.ljust(width) for cell, width
                                   in zip(row, widths)).rstrip())
            if index == 0:
                lines.append("  ".join("-" * width for width in widths))
        lines += [f"goal {goal.verdict}: {goal.text} ({goal.detail})"
                  for goal in self.goals]
        lines += [f"FAILED: {failure}" for failure in self.failures]
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)

    def markdown(self) -> str:
        lines = [f"## {self.title}", ""]
        if self.rows:
            lines.append("| " + " | ".join(self.columns) + " |")
            lines.append("|" + " --- |" * len(self.columns))
            lines += ["| " + " | ".join(row) + " |" for row in self.rows]
            lines.append("")
        lines += [f"- Goal **{goal.verdict}**: {goal.text} ({goal.detail})"
                  for goal in self.goals]
        lines += [f"- **FAILED**: {failure}" for failure in self.failures]
        lines += [f"- {note}" for note in self.notes]
        return "\n".join(lines).rstrip() + "\n"
