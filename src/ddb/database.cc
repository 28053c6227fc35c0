#include "ddb/database.h"

#include "ddb/json_codec.h"

namespace townhall::ddb {

Status Database::query_json(const QueryRequest& request, std::string& out) {
  TH_ASSIGN_OR_RETURN(QueryResponse response, query(request));
  encode_json(response, out);
  return Status::Ok();
}

Status Database::scan_json(const ScanRequest& request, std::string& out) {
  TH_ASSIGN_OR_RETURN(ScanResponse response, scan(request));
  encode_json(response, out);
  return Status::Ok();
}

}  // namespace townhall::ddb
