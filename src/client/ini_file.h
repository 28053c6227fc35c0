// The INI dialect of the AWS shared files (~/.aws/config, ~/.aws/credentials)
// as the AWS SDKs read it:
//
//   [profile dev]              ; a section
//   region = eu-west-1         # comments: whole lines starting with # or ;,
//   aws_access_key_id=AKID     # or after whitespace in a value
//   dynamodb =                 ; an empty value followed by indented lines
//     endpoint_url = http://x  ; is a sub-property: key "dynamodb.endpoint_url"
//
// Keys are lower-cased (the SDKs accept any case); section names are kept as
// written, with surrounding whitespace trimmed and inner whitespace collapsed.
//
// Thread-safety: pure functions over values.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "ddb/result.h"

namespace townhall::client {

using IniSection = std::map<std::string, std::string, std::less<>>;
using IniFile = std::map<std::string, IniSection, std::less<>>;

// On a line that is neither a section, a property, a comment nor blank,
// returns a ValidationException naming `source` and the line number.
ddb::Result<IniFile> parse_ini(std::string_view text, std::string_view source);

}  // namespace townhall::client
