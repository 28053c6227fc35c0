// Internal to the wire codec: the Java type names DynamoDB's service model
// gives the API shapes. DynamoDB names them in SerializationException
// messages ("Unrecognized collection type class
// com.amazonaws.dynamodb.v20120810.PutItemInput"), so the codec needs them to
// word its messages the same way.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>

#include "ddb/database.h"

namespace townhall::ddb::internal {

template <class T>
struct ShapeName {
  static constexpr std::string_view value = "Object";  // a shape added without a name here
};

#define TOWNHALL_SHAPE_NAME(Type, Name)             \
  template <>                                       \
  struct ShapeName<Type> {                          \
    static constexpr std::string_view value = Name; \
  };
TOWNHALL_SHAPE_NAME(AttributeValue, "AttributeValue")
TOWNHALL_SHAPE_NAME(KeySchemaElement, "KeySchemaElement")
TOWNHALL_SHAPE_NAME(AttributeDefinition, "AttributeDefinition")
TOWNHALL_SHAPE_NAME(Projection, "Projection")
TOWNHALL_SHAPE_NAME(ProvisionedThroughput, "ProvisionedThroughput")
TOWNHALL_SHAPE_NAME(ProvisionedThroughputDescription, "ProvisionedThroughputDescription")
TOWNHALL_SHAPE_NAME(GlobalSecondaryIndex, "GlobalSecondaryIndex")
TOWNHALL_SHAPE_NAME(LocalSecondaryIndex, "LocalSecondaryIndex")
TOWNHALL_SHAPE_NAME(IndexDescription, "GlobalSecondaryIndexDescription")
TOWNHALL_SHAPE_NAME(BillingModeSummary, "BillingModeSummary")
TOWNHALL_SHAPE_NAME(StreamSpecification, "StreamSpecification")
TOWNHALL_SHAPE_NAME(SseSpecification, "SSESpecification")
TOWNHALL_SHAPE_NAME(Tag, "Tag")
TOWNHALL_SHAPE_NAME(TableDescription, "TableDescription")
TOWNHALL_SHAPE_NAME(Capacity, "Capacity")
TOWNHALL_SHAPE_NAME(ConsumedCapacity, "ConsumedCapacity")
TOWNHALL_SHAPE_NAME(ItemCollectionMetrics, "ItemCollectionMetrics")
TOWNHALL_SHAPE_NAME(ExpectedAttributeValue, "ExpectedAttributeValue")
TOWNHALL_SHAPE_NAME(Condition, "Condition")
TOWNHALL_SHAPE_NAME(AttributeValueUpdate, "AttributeValueUpdate")
TOWNHALL_SHAPE_NAME(CreateGlobalSecondaryIndexAction, "CreateGlobalSecondaryIndexAction")
TOWNHALL_SHAPE_NAME(UpdateGlobalSecondaryIndexAction, "UpdateGlobalSecondaryIndexAction")
TOWNHALL_SHAPE_NAME(DeleteGlobalSecondaryIndexAction, "DeleteGlobalSecondaryIndexAction")
TOWNHALL_SHAPE_NAME(GlobalSecondaryIndexUpdate, "GlobalSecondaryIndexUpdate")
TOWNHALL_SHAPE_NAME(TimeToLiveSpecification, "TimeToLiveSpecification")
TOWNHALL_SHAPE_NAME(TimeToLiveDescription, "TimeToLiveDescription")
TOWNHALL_SHAPE_NAME(Endpoint, "Endpoint")
TOWNHALL_SHAPE_NAME(KeysAndAttributes, "KeysAndAttributes")
TOWNHALL_SHAPE_NAME(PutRequest, "PutRequest")
TOWNHALL_SHAPE_NAME(DeleteRequest, "DeleteRequest")
TOWNHALL_SHAPE_NAME(WriteRequest, "WriteRequest")
TOWNHALL_SHAPE_NAME(Get, "Get")
TOWNHALL_SHAPE_NAME(TransactGetItem, "TransactGetItem")
TOWNHALL_SHAPE_NAME(ItemResponse, "ItemResponse")
TOWNHALL_SHAPE_NAME(TransactWriteAction, "Put")  // also Update, Delete, ConditionCheck
TOWNHALL_SHAPE_NAME(TransactWriteItem, "TransactWriteItem")
TOWNHALL_SHAPE_NAME(BatchStatementRequest, "BatchStatementRequest")
TOWNHALL_SHAPE_NAME(BatchStatementError, "BatchStatementError")
TOWNHALL_SHAPE_NAME(BatchStatementResponse, "BatchStatementResponse")
TOWNHALL_SHAPE_NAME(ParameterizedStatement, "ParameterizedStatement")
TOWNHALL_SHAPE_NAME(StreamSummary, "Stream")
TOWNHALL_SHAPE_NAME(SequenceNumberRange, "SequenceNumberRange")
TOWNHALL_SHAPE_NAME(Shard, "Shard")
TOWNHALL_SHAPE_NAME(StreamDescription, "StreamDescription")
TOWNHALL_SHAPE_NAME(StreamRecord, "StreamRecord")
TOWNHALL_SHAPE_NAME(Identity, "Identity")
TOWNHALL_SHAPE_NAME(Record, "Record")
// Requests and responses: <Operation>Input and <Operation>Output.
#define TOWNHALL_OPERATION_SHAPE_NAMES(Name, method, Request, Response) \
  TOWNHALL_SHAPE_NAME(Request, #Name "Input")                           \
  TOWNHALL_SHAPE_NAME(Response, #Name "Output")
TOWNHALL_DDB_ALL_OPERATIONS(TOWNHALL_OPERATION_SHAPE_NAMES)
#undef TOWNHALL_OPERATION_SHAPE_NAMES
#undef TOWNHALL_SHAPE_NAME

template <class T>
struct IsVector : std::false_type {};
template <class T>
struct IsVector<std::vector<T>> : std::true_type {};
template <class T>
struct IsStringMap : std::false_type {};
template <class T>
struct IsStringMap<std::map<std::string, T, std::less<>>> : std::true_type {};
template <>
struct IsStringMap<AttributeMap> : std::true_type {};

// The Java type DynamoDB's model uses for a C++ member type, as it appears in
// "Unrecognized collection type java.util.Map<java.lang.String, ...>".
template <class T>
std::string java_type_name() {
  if constexpr (std::is_same_v<T, std::string>) {
    return "java.lang.String";
  } else if constexpr (IsVector<T>::value) {
    return "java.util.List<" + java_type_name<typename T::value_type>() + ">";
  } else if constexpr (IsStringMap<T>::value) {
    return "java.util.Map<java.lang.String, " + java_type_name<typename T::mapped_type>() + ">";
  } else {
    return "com.amazonaws.dynamodb.v20120810." + std::string(ShapeName<T>::value);
  }
}

}  // namespace townhall::ddb::internal
