// A gmock ddb::Database for the wire layer's tests: one mocked method per
// operation, generated from TOWNHALL_DDB_OPERATIONS. Test-only (includes gmock).
#pragma once

#include <gmock/gmock.h>

#include "ddb/database.h"

namespace townhall::wire {

class MockDatabase : public ddb::Database {
 public:
#define TOWNHALL_MOCK_OPERATION(Name, method, Request, Response) \
  MOCK_METHOD(ddb::Result<ddb::Response>, method, (const ddb::Request&), (override));
  TOWNHALL_DDB_ALL_OPERATIONS(TOWNHALL_MOCK_OPERATION)
#undef TOWNHALL_MOCK_OPERATION
};

}  // namespace townhall::wire
