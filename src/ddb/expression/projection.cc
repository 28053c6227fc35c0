#include "ddb/expression/projection.h"

#include <optional>

namespace townhall::ddb::expr {
namespace {

// The projection of value under node, or nothing when none of it is selected.
std::optional<AttributeValue> project_value(const AttributeValue& value, const ProjectionNode& node) {
  if (node.leaf) return value;
  if (!node.fields.empty() && value.is(AttributeType::kM)) {
    AttributeMap out;
    const AttributeMap& map = value.as_map();
    for (const auto& [name, child] : node.fields) {
      auto it = map.find(name);
      if (it == map.end()) continue;
      if (auto v = project_value(it->second, child)) out.emplace(name, std::move(*v));
    }
    if (!out.empty()) return AttributeValue::M(std::move(out));
  }
  if (!node.elements.empty() && value.is(AttributeType::kL)) {
    List out;
    const List& list = value.as_list();
    for (const auto& [index, child] : node.elements) {
      if (index >= list.size()) break;
      if (auto v = project_value(list[index], child)) out.push_back(std::move(*v));
    }
    if (!out.empty()) return AttributeValue::L(std::move(out));
  }
  return std::nullopt;
}

}  // namespace

ProjectionNode make_projection(const std::vector<DocumentPath>& paths) {
  ProjectionNode root;
  for (const auto& path : paths) {
    ProjectionNode* node = &root;
    for (const auto& step : path) {
      node = step.index >= 0 ? &node->elements[static_cast<uint32_t>(step.index)] : &node->fields[step.name];
    }
    node->leaf = true;
  }
  return root;
}

AttributeMap project(const AttributeMap& item, const ProjectionNode& root) {
  AttributeMap out;
  for (const auto& [name, child] : root.fields) {
    auto it = item.find(name);
    if (it == item.end()) continue;
    if (auto v = project_value(it->second, child)) out.emplace(name, std::move(*v));
  }
  return out;
}

}  // namespace townhall::ddb::expr
