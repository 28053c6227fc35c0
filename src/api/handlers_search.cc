// GET /api/search: message search (search/search_service.h) for the caller.
#include "api/handlers.h"
#include "search/search_service.h"

namespace townhall::api {

// ?q=words and filters (required), &channel_id=, &cursor=, &limit= (1-100,
// default 20), &order=newest (default) | relevance.
HandlerResult handle_search(Call& call) {
  search::SearchService* service = call.api.options().search;
  if (!service) return error_response(503, "unavailable", "search is turned off on this server");
  TH_ASSIGN_OR_RETURN(int limit, limit_param(call));
  search::SearchRequest request;
  request.query = query_param(call, "q");
  request.channel_id = query_param(call, "channel_id");
  request.cursor = query_param(call, "cursor");
  request.limit = limit == 0 ? search::kDefaultHits : limit;
  std::string order = query_param(call, "order");
  if (!order.empty() && order != "newest" && order != "relevance") {
    return chat::Error::InvalidArgument("order must be newest or relevance");
  }
  request.by_relevance = order == "relevance";
  auto results = service->search(call.actor(), request);
  if (!results.ok()) {
    // The index's own "being built" is worth showing; a store's trouble is not.
    if (results.error().is(chat::Code::kUnavailable) &&
        results.error().message.starts_with("the search index")) {
      ApiResponse response = error_response(503, "unavailable", results.error().message);
      response.add_header("Retry-After", "2");
      return response;
    }
    return results.error();
  }
  std::string body;
  ddb::JsonWriter w(body);
  write_search_results(w, *results);
  return json_response(200, std::move(body));
}

}  // namespace townhall::api
