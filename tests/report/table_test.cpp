#include "report/table.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace ufm {
namespace {

Table two_by_two() {
  Table table;
  table.name = "demo";
  table.header = {"setting", "M mean"};
  table.rows = {{"model.hidden=[512, 256]", "0.1"}, {"a&b_c", "−0.5 ± 0.1"}};
  return table;
}

TEST(TableRender, CsvHasOneHeaderRowAndQuotesCellsWithCommas) {
  EXPECT_EQ(render(two_by_two(), TableFormat::kCsv),
            "setting,M mean\n"
            "\"model.hidden=[512, 256]\",0.1\n"
            "a&b_c,−0.5 ± 0.1\n");
}

TEST(TableRender, CsvDoublesQuotesInsideQuotedCells) {
  Table table{"q", {"a"}, {{"say \"hi\""}}};
  EXPECT_EQ(render(table, TableFormat::kCsv), "a\n\"say \"\"hi\"\"\"\n");
}

TEST(TableRender, LatexIsABooktabsTabularWithEscapedCells) {
  EXPECT_EQ(render(two_by_two(), TableFormat::kLatex),
            "\\begin{tabular}{lr}\n"
            "\\toprule\n"
            "setting & M mean \\\\\n"
            "\\midrule\n"
            "model.hidden=[512, 256] & 0.1 \\\\\n"
            "a\\&b\\_c & $-$0.5 $\\pm$ 0.1 \\\\\n"
            "\\bottomrule\n"
            "\\end{tabular}\n");
}

TEST(TableRender, MarkdownHasASeparatorRowAndEscapesPipes) {
  Table table{"m", {"a", "b"}, {{"x|y", "2"}}};
  EXPECT_EQ(render(table, TableFormat::kMarkdown), "| a | b |\n|---|---|\n| x\\|y | 2 |\n");
}

TEST(TableRender, RowOfTheWrongLengthIsRejected) {
  Table table{"bad", {"a", "b"}, {{"1"}}};
  EXPECT_THROW(render(table, TableFormat::kCsv), RuntimeError);
}

TEST(TableFormatName, AcceptsTheThreeFormats) {
  EXPECT_EQ(parse_table_format("md"), TableFormat::kMarkdown);
  EXPECT_EQ(parse_table_format("markdown"), TableFormat::kMarkdown);
  EXPECT_EQ(parse_table_format("csv"), TableFormat::kCsv);
  EXPECT_EQ(parse_table_format("latex"), TableFormat::kLatex);
}

TEST(TableFormatName, UnknownFormatIsAConfigErrorListingTheValidOnes) {
  try {
    parse_table_format("html");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()), "--format: unknown format 'html' (valid: md, csv, latex)");
  }
}

}  // namespace
}  // namespace ufm
