#include "scenario/tree.hpp"

#include "../test_support.hpp"

using namespace sixparty;
using sixparty::test::TempDir;

TEST_CASE("parse_tree keeps the location of every value") {
  Diagnostics d;
  TreeNode t = parse_tree("a: 1\nb:\n  c: [x, 'y']\n", "f.yaml", d);
  REQUIRE_FALSE(d.has_errors());
  REQUIRE(t.is_map());
  const TreeNode* c = t.find("b")->find("c");
  REQUIRE(c->is_sequence());
  CHECK(c->where.line == 3);
  CHECK(c->where.column == 6);
  CHECK(c->items[1].text == "y");
  CHECK(c->items[1].quoted);
  CHECK_FALSE(c->items[0].quoted);
}

TEST_CASE("syntax errors and duplicate keys are located") {
  Diagnostics d;
  parse_tree("a: [1, 2\n", "f.yaml", d);
  REQUIRE(d.size() == 1);
  CHECK(d.items()[0].where.file == "f.yaml");
  CHECK(d.items()[0].where.line >= 1);
  CHECK(d.items()[0].message.find("YAML syntax") != std::string::npos);

  Diagnostics d2;
  parse_tree("a: 1\nb: 2\na: 3\n", "f.yaml", d2);
  REQUIRE(d2.size() == 1);
  CHECK(d2.items()[0].where.line == 3);
  CHECK(d2.items()[0].message.find("duplicate key 'a'") != std::string::npos);
}

TEST_CASE("alias bombs and deep nesting are refused, not expanded") {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c) {
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int k = 0; k < 10; ++k) bomb += std::string(k ? ", *" : "*") + prev;
    bomb += "]\n";
    prev = c;
  }
  Diagnostics d;
  parse_tree(bomb, "bomb.yaml", d);
  REQUIRE(d.has_errors());
  CHECK(d.items()[0].message.find("expands to more than") != std::string::npos);

  std::string deep(100, '[');
  deep += std::string(100, ']');
  Diagnostics d2;
  parse_tree(deep, "deep.yaml", d2);
  REQUIRE(d2.has_errors());
  CHECK(d2.items()[0].message.find("nesting deeper than") != std::string::npos);
}

TEST_CASE("merge: maps merge, events append, scalars and other lists replace") {
  Diagnostics d;
  TreeNode base = parse_tree("a: {x: 1, y: 2}\nevents: [1, 2]\ndimensions: [p, q]\ns: old\n", "b.yaml", d);
  TreeNode over = parse_tree("a: {y: 3, z: 4}\nevents: [3]\ndimensions: [r]\ns: new\n", "o.yaml", d);
  REQUIRE_FALSE(d.has_errors());
  merge_tree(base, over);
  CHECK(base.find("a")->find("x")->text == "1");
  CHECK(base.find("a")->find("y")->text == "3");
  CHECK(base.find("a")->find("y")->where.file == "o.yaml");
  CHECK(base.find("a")->find("z")->text == "4");
  CHECK(base.find("events")->items.size() == 3);
  CHECK(base.find("dimensions")->items.size() == 1);
  CHECK(base.find("s")->text == "new");
}

TEST_CASE("extends resolves relative to the file and detects cycles") {
  TempDir dir;
  std::filesystem::create_directories(dir.path("sub"));
  dir.write("base.yaml", "a: 1\nb: {c: 2}\n");
  dir.write("sub/child.yaml", "extends: ../base.yaml\nb: {d: 3}\n");
  Diagnostics d;
  LoadedDocument doc = load_tree(dir.path("sub/child.yaml"), d);
  INFO(d.format());
  REQUIRE_FALSE(d.has_errors());
  CHECK(doc.tree.find("a")->text == "1");
  CHECK(doc.tree.find("b")->find("c")->text == "2");
  CHECK(doc.tree.find("b")->find("d")->text == "3");
  CHECK(doc.tree.find("extends") == nullptr);
  CHECK(doc.files.size() == 2);

  dir.write("x.yaml", "extends: y.yaml\n");
  dir.write("y.yaml", "extends: x.yaml\n");
  Diagnostics d2;
  load_tree(dir.path("x.yaml"), d2);
  REQUIRE(d2.has_errors());
  CHECK(d2.format().find("cycle") != std::string::npos);
  CHECK(d2.items()[0].where.line == 1);
}

TEST_CASE("missing files, directories and empty documents are clear errors") {
  TempDir dir;
  Diagnostics d;
  load_tree(dir.path("nope.yaml"), d);
  CHECK(d.format().find("no such file") != std::string::npos);
  Diagnostics d2;
  load_tree(dir.path(""), d2);
  CHECK(d2.format().find("is a directory") != std::string::npos);
  Diagnostics d3;
  load_tree(dir.write("empty.yaml", ""), d3);
  CHECK(d3.format().find("empty") != std::string::npos);
}

TEST_CASE("overrides (--set) change values, creates keys and reports bad paths") {
  Diagnostics d;
  TreeNode t = parse_tree("run: {runs: 5}\nevents: [{at: 1}]\n", "f.yaml", d);
  apply_override(t, "run.runs=7", d);
  apply_override(t, "run.seed=9", d);
  apply_override(t, "events.0.at=2", d);
  REQUIRE_FALSE(d.has_errors());
  CHECK(t.find("run")->find("runs")->text == "7");
  CHECK(t.find("run")->find("seed")->text == "9");
  CHECK(t.find("events")->items[0].find("at")->text == "2");
  apply_override(t, "novalue", d);
  apply_override(t, "events.5.at=1", d);
  CHECK(d.size() == 2);
}

TEST_CASE("emit_tree writes YAML that parses back to the same tree") {
  Diagnostics d;
  TreeNode t = parse_tree("a: {b: [1, 'two', null]}\nc: \"x: y\"\n", "f.yaml", d);
  TreeNode back = parse_tree(emit_tree(t), "g.yaml", d);
  REQUIRE_FALSE(d.has_errors());
  CHECK(back.find("a")->find("b")->items[1].text == "two");
  CHECK(back.find("a")->find("b")->items[2].is_null());
  CHECK(back.find("c")->text == "x: y");
}
