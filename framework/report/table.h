#pragma once
/// One table abstraction for every report: a plain header plus rows of strings, rendered
/// as markdown, csv or LaTeX (booktabs), so each table comes out in all three formats.
#include <string>
#include <vector>

namespace ufm {

struct Table {
  /// Short name used by `ufm report --table` and as the markdown/LaTeX caption line.
  std::string name;
  std::vector<std::string> header;
  /// Every row has header.size() cells.
  std::vector<std::vector<std::string>> rows;
};

enum class TableFormat { kMarkdown, kCsv, kLatex };

/// "md" (or "markdown"), "csv", "latex"; ConfigError naming `option` and listing the valid
/// formats otherwise.
TableFormat parse_table_format(const std::string& name, const std::string& option = "--format");

/// Renders `table` without its name:
///  - markdown: "| a | b |", "|---|---|", one line per row; '|' in a cell becomes "\|".
///  - csv: RFC 4180, one header row, "\n" line ends; a cell with ',', '"' or a line break
///    is quoted with '"' doubled.
///  - latex: booktabs tabular, first column left-aligned, the others right-aligned; the
///    characters & % $ # _ { } ~ ^ \ are escaped, "±" becomes $\pm$ and "−" (U+2212) $-$.
/// RuntimeError when a row's length differs from the header's.
std::string render(const Table& table, TableFormat format);

}  // namespace ufm
