// Router: maps a method and a percent-encoded path to a route template and
// its captured parameters. Templates are written like
// "/api/channels/{id}/messages/{message_id}"; a "{name}" segment captures one
// path segment, percent-decoded after splitting on '/', so "%2F" and "%23"
// ('#', part of every message id) stay inside their segment.
//
// Thread-safety: build the routes first (add), then match concurrently.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace townhall::api {

// Percent-decodes one path segment or query component. '+' becomes a space
// only when plus_is_space (query strings). nullopt for a malformed escape or a
// decoded NUL byte.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);
// Encodes everything except unreserved characters (RFC 3986), for building paths.
std::string percent_encode(std::string_view text);

// The query string of a request target as name -> value (the last one wins);
// nullopt when an escape is malformed.
std::optional<std::map<std::string, std::string>> parse_query(std::string_view query);

// Splits "path?query" and percent-decodes the path's segments. nullopt when
// the path is not absolute or an escape is malformed.
struct SplitTarget {
  std::vector<std::string> segments;  // decoded; "/a/b" -> {"a", "b"}; "/" -> {}
  std::string query;                  // raw, without '?'
};
std::optional<SplitTarget> split_target(std::string_view target);

template <class Handler>
class Router {
 public:
  struct Route {
    std::string method;
    std::string pattern;  // the template, as given
    std::vector<std::string> segments;
    Handler handler;
  };

  enum class Outcome { kMatched, kNotFound, kMethodNotAllowed };
  struct Match {
    Outcome outcome = Outcome::kNotFound;
    const Route* route = nullptr;
    std::map<std::string, std::string> params;  // captured, decoded
    std::vector<std::string> allowed;           // for kMethodNotAllowed: the methods the path has
  };

  void add(std::string method, std::string pattern, Handler handler) {
    Route route{std::move(method), pattern, {}, std::move(handler)};
    auto split = split_target(pattern);
    route.segments = split ? split->segments : std::vector<std::string>{};
    routes_.push_back(std::move(route));
  }

  Match match(std::string_view method, const std::vector<std::string>& segments) const {
    Match result;
    for (const auto& route : routes_) {
      std::map<std::string, std::string> params;
      if (!matches(route, segments, params)) continue;
      if (route.method == method || (method == "HEAD" && route.method == "GET")) {
        result.outcome = Outcome::kMatched;
        result.route = &route;
        result.params = std::move(params);
        return result;
      }
      result.outcome = Outcome::kMethodNotAllowed;
      result.allowed.push_back(route.method);
    }
    return result;
  }

  const std::vector<Route>& routes() const { return routes_; }

 private:
  static bool matches(const Route& route, const std::vector<std::string>& segments,
                      std::map<std::string, std::string>& params) {
    if (route.segments.size() != segments.size()) return false;
    for (size_t i = 0; i < segments.size(); ++i) {
      const std::string& want = route.segments[i];
      if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
        if (segments[i].empty()) return false;
        params[want.substr(1, want.size() - 2)] = segments[i];
      } else if (want != segments[i]) {
        return false;
      }
    }
    return true;
  }

  std::vector<Route> routes_;
};

}  // namespace townhall::api
