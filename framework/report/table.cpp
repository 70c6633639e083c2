#include "report/table.h"

#include <sstream>

#include "core/error.h"

namespace ufm {
namespace {

std::string markdown_cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += (c == '\n') ? ' ' : c;
  }
  return out;
}

std::string csv_cell(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

std::string latex_cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': case '%': case '$': case '#': case '_': case '{': case '}':
        out += '\\';
        out += c;
        break;
      case '~': out += "\\textasciitilde{}"; break;
      case '^': out += "\\textasciicircum{}"; break;
      case '\\': out += "\\textbackslash{}"; break;
      default: out += c;
    }
  }
  // After escaping, so that the '$' of the math stays unescaped.
  replace_all(out, "\xC2\xB1", "$\\pm$");   // ±
  replace_all(out, "\xE2\x88\x92", "$-$");  // −
  return out;
}

void write_row(std::ostream& out, const std::vector<std::string>& cells, TableFormat format) {
  for (std::size_t i = 0; i < cells.size(); ++i) {
    switch (format) {
      case TableFormat::kMarkdown: out << (i ? " | " : "| ") << markdown_cell(cells[i]); break;
      case TableFormat::kCsv: out << (i ? "," : "") << csv_cell(cells[i]); break;
      case TableFormat::kLatex: out << (i ? " & " : "") << latex_cell(cells[i]); break;
    }
  }
  switch (format) {
    case TableFormat::kMarkdown: out << " |\n"; break;
    case TableFormat::kCsv: out << "\n"; break;
    case TableFormat::kLatex: out << " \\\\\n"; break;
  }
}

}  // namespace

TableFormat parse_table_format(const std::string& name, const std::string& option) {
  if (name == "md" || name == "markdown") return TableFormat::kMarkdown;
  if (name == "csv") return TableFormat::kCsv;
  if (name == "latex") return TableFormat::kLatex;
  throw ConfigError(detail::concat(option, ": unknown format '", name, "' (valid: md, csv, latex)"));
}

std::string render(const Table& table, TableFormat format) {
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    UFM_CHECK(table.rows[r].size() == table.header.size(), RuntimeError, "table '", table.name, "': row ", r,
              " has ", table.rows[r].size(), " cells, expected ", table.header.size());
  }
  std::ostringstream out;
  if (format == TableFormat::kLatex) {
    out << "\\begin{tabular}{l";
    for (std::size_t i = 1; i < table.header.size(); ++i) out << 'r';
    out << "}\n\\toprule\n";
  }
  write_row(out, table.header, format);
  if (format == TableFormat::kMarkdown) {
    out << "|";
    for (std::size_t i = 0; i < table.header.size(); ++i) out << "---|";
    out << "\n";
  }
  if (format == TableFormat::kLatex) out << "\\midrule\n";
  for (const auto& row : table.rows) write_row(out, row, format);
  if (format == TableFormat::kLatex) out << "\\bottomrule\n\\end{tabular}\n";
  return out.str();
}

}  // namespace ufm
