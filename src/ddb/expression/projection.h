// Projections (ProjectionExpression, AttributesToGet): which parts of an item
// a read returns. Nested map paths keep their nesting; list elements named by
// index come back as a shorter list, in index order.
//
// Thread-safe: a ProjectionNode is immutable once built.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ddb/expression.h"

namespace townhall::ddb::expr {

// The projected paths as a tree: a leaf takes the whole value below it.
struct ProjectionNode {
  bool leaf = false;
  std::map<std::string, ProjectionNode, std::less<>> fields;
  std::map<uint32_t, ProjectionNode> elements;
};

// REQUIRES: no path is a prefix of another (checked when the expression is bound).
ProjectionNode make_projection(const std::vector<DocumentPath>& paths);

AttributeMap project(const AttributeMap& item, const ProjectionNode& root);

}  // namespace townhall::ddb::expr
