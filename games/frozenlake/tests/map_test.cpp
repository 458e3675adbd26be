#include "games/frozenlake/map.hpp"

#include <gtest/gtest.h>

namespace mcpgym::frozenlake {
namespace {

const std::vector<std::string> kClassic = {"SFFF", "FHFH", "FFFH", "HFFG"};

Map must_parse(const std::vector<std::string>& rows) {
  return std::get<Map>(Map::from_rows(rows));
}

std::string error_of(const std::vector<std::string>& rows) {
  const auto parsed = Map::from_rows(rows);
  return std::holds_alternative<std::string>(parsed) ? std::get<std::string>(parsed) : "(valid)";
}

TEST(Map, ExposesSizeCellsAndRows) {
  const Map map = must_parse(kClassic);
  EXPECT_EQ(map.size(), 4);
  EXPECT_EQ(map.cell(0), 'S');
  EXPECT_EQ(map.cell(5), 'H');
  EXPECT_EQ(map.cell(15), 'G');
  EXPECT_EQ(map.rows(), kClassic);
}

TEST(Map, AcceptsSmallestAndLargestSizes) {
  EXPECT_EQ(must_parse({"SF", "HG"}).size(), 2);
  const std::vector<std::string> big(64, std::string(64, 'S'));
  EXPECT_EQ(must_parse(big).size(), 64);
}

TEST(Map, AcceptsSeveralStartsAndNoGoal) {
  EXPECT_EQ(must_parse({"SS", "SS"}).size(), 2);
  EXPECT_EQ(must_parse({"SF", "FH"}).size(), 2);
}

TEST(Map, RejectsRowCountOutsideLimits) {
  EXPECT_EQ(error_of({}), "expected 2 to 64 rows, got 0");
  EXPECT_EQ(error_of({"S"}), "expected 2 to 64 rows, got 1");
  EXPECT_EQ(error_of(std::vector<std::string>(65, std::string(65, 'S'))),
            "expected 2 to 64 rows, got 65");
}

TEST(Map, RejectsRowOfWrongLength) {
  EXPECT_EQ(error_of({"SFFF", "FHFH", "FFF", "HFFG"}), "row 2 has 3 cells, expected 4");
  EXPECT_EQ(error_of({"SFFFF", "FHFH", "FFFH", "HFFG"}), "row 0 has 5 cells, expected 4");
  EXPECT_EQ(error_of({"SF", ""}), "row 1 has 0 cells, expected 2");
}

TEST(Map, RejectsUnknownCharacters) {
  EXPECT_EQ(error_of({"SXFF", "FHFH", "FFFH", "HFFG"}),
            "row 0 column 1 has 'X', expected one of S F H G");
  EXPECT_EQ(error_of({"SF", "Fg"}), "row 1 column 1 has 'g', expected one of S F H G");
  EXPECT_EQ(error_of({"SF", "F "}), "row 1 column 1 has ' ', expected one of S F H G");
}

TEST(Map, DescribesUnprintableBytesInHex) {
  EXPECT_EQ(error_of({"SF", "\tG"}), "row 1 column 0 has byte 0x09, expected one of S F H G");
  EXPECT_EQ(error_of({"S\xC3", "FG"}), "row 0 column 1 has byte 0xC3, expected one of S F H G");
}

TEST(Map, RejectsMapWithoutStart) {
  EXPECT_EQ(error_of({"FF", "HG"}), "map has no start cell 'S'");
}

TEST(Map, RendersAgentAsP) {
  const Map map = must_parse(kClassic);
  EXPECT_EQ(map.render(0), "PFFF\nFHFH\nFFFH\nHFFG");
  EXPECT_EQ(map.render(6), "SFFF\nFHPH\nFFFH\nHFFG");
  EXPECT_EQ(map.render(15), "SFFF\nFHFH\nFFFH\nHFFP");
}

TEST(Map, ComparesByContent) {
  EXPECT_EQ(must_parse(kClassic), must_parse(kClassic));
  EXPECT_NE(must_parse({"SF", "FG"}), must_parse({"SF", "HG"}));
}

}  // namespace
}  // namespace mcpgym::frozenlake
