#include "api/markdown.h"

#include <md4c.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>
#include <vector>

namespace townhall::api {
namespace {

// Common shortcodes (Slack's and GitHub's names); anything else stays text.
constexpr std::array<std::pair<std::string_view, std::string_view>, 40> kEmoji{{
    {"+1", "👍"},
    {"-1", "👎"},
    {"100", "💯"},
    {"blush", "😊"},
    {"boom", "💥"},
    {"bulb", "💡"},
    {"check", "✔️"},
    {"clap", "👏"},
    {"confused", "😕"},
    {"cry", "😢"},
    {"eyes", "👀"},
    {"fire", "🔥"},
    {"grin", "😁"},
    {"grinning", "😀"},
    {"heart", "❤️"},
    {"heavy_check_mark", "✔️"},
    {"joy", "😂"},
    {"laughing", "😆"},
    {"ok_hand", "👌"},
    {"pray", "🙏"},
    {"rocket", "🚀"},
    {"sad", "😞"},
    {"scream", "😱"},
    {"see_no_evil", "🙈"},
    {"slightly_smiling_face", "🙂"},
    {"smile", "😄"},
    {"smiley", "😃"},
    {"sob", "😭"},
    {"sparkles", "✨"},
    {"star", "⭐"},
    {"sunglasses", "😎"},
    {"tada", "🎉"},
    {"thinking", "🤔"},
    {"thumbsdown", "👎"},
    {"thumbsup", "👍"},
    {"warning", "⚠️"},
    {"wave", "👋"},
    {"white_check_mark", "✅"},
    {"wink", "😉"},
    {"x", "❌"},
}};

std::string_view emoji_for(std::string_view name) {
  for (const auto& [shortcode, emoji] : kEmoji)
    if (shortcode == name) return emoji;
  return {};
}

void escape_into(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(),
                    [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
}

// The URL a link may point to, or empty: http(s) and mailto only, written
// out plainly (a character reference could hide a scheme), no spaces or
// control characters. md4c gives permissive autolinks without their scheme.
std::string safe_href(const MD_ATTRIBUTE& attribute) {
  for (unsigned i = 0; attribute.substr_offsets[i] < attribute.size; ++i) {
    if (attribute.substr_types[i] != MD_TEXT_NORMAL) return {};
  }
  std::string_view href(attribute.text, attribute.size);
  for (char c : href) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return {};
  }
  if (starts_with_ci(href, "http://") || starts_with_ci(href, "https://") ||
      starts_with_ci(href, "mailto:")) {
    return std::string(href);
  }
  if (starts_with_ci(href, "www.")) return "http://" + std::string(href);
  if (href.find('@') != std::string_view::npos && href.find(':') == std::string_view::npos &&
      href.find('/') == std::string_view::npos) {
    return "mailto:" + std::string(href);
  }
  return {};
}

class Renderer {
 public:
  std::string out;

  int enter_block(MD_BLOCKTYPE type, void* detail) {
    switch (type) {
      case MD_BLOCK_QUOTE:
        out += "<blockquote>";
        break;
      case MD_BLOCK_UL:
        out += "<ul>";
        break;
      case MD_BLOCK_OL: {
        unsigned start = static_cast<MD_BLOCK_OL_DETAIL*>(detail)->start;
        out += start == 1 ? std::string("<ol>") : "<ol start=\"" + std::to_string(start) + "\">";
        break;
      }
      case MD_BLOCK_LI:
        out += "<li>";
        break;
      case MD_BLOCK_HR:
        out += "<hr>";
        break;
      case MD_BLOCK_H:
        out += "<p><strong>";
        break;
      case MD_BLOCK_CODE:
        out += "<pre><code>";
        ++in_code_;
        break;
      case MD_BLOCK_P:
      case MD_BLOCK_HTML:  // not produced with NOHTML; text if it were
        out += "<p>";
        break;
      case MD_BLOCK_TABLE:
      case MD_BLOCK_THEAD:
      case MD_BLOCK_TBODY:
      case MD_BLOCK_TR:
      case MD_BLOCK_TH:
      case MD_BLOCK_TD:
      case MD_BLOCK_DOC:
        break;
    }
    return 0;
  }

  int leave_block(MD_BLOCKTYPE type, void*) {
    switch (type) {
      case MD_BLOCK_QUOTE:
        out += "</blockquote>\n";
        break;
      case MD_BLOCK_UL:
        out += "</ul>\n";
        break;
      case MD_BLOCK_OL:
        out += "</ol>\n";
        break;
      case MD_BLOCK_LI:
        out += "</li>\n";
        break;
      case MD_BLOCK_H:
        out += "</strong></p>\n";
        break;
      case MD_BLOCK_CODE:
        out += "</code></pre>\n";
        --in_code_;
        break;
      case MD_BLOCK_P:
      case MD_BLOCK_HTML:
        out += "</p>\n";
        break;
      default:
        break;
    }
    return 0;
  }

  int enter_span(MD_SPANTYPE type, void* detail) {
    switch (type) {
      case MD_SPAN_EM:
        out += "<em>";
        break;
      case MD_SPAN_STRONG:
        out += "<strong>";
        break;
      case MD_SPAN_DEL:
        out += "<del>";
        break;
      case MD_SPAN_CODE:
        out += "<code>";
        ++in_code_;
        break;
      case MD_SPAN_A:
      case MD_SPAN_IMG: {
        const MD_ATTRIBUTE& target = type == MD_SPAN_A ? static_cast<MD_SPAN_A_DETAIL*>(detail)->href
                                                       : static_cast<MD_SPAN_IMG_DETAIL*>(detail)->src;
        std::string href = safe_href(target);
        links_.push_back(!href.empty());
        if (href.empty()) break;  // the link's text stays, as text
        out += "<a href=\"";
        escape_into(out, href);
        out += "\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">";
        break;
      }
      default:
        break;
    }
    return 0;
  }

  int leave_span(MD_SPANTYPE type, void*) {
    switch (type) {
      case MD_SPAN_EM:
        out += "</em>";
        break;
      case MD_SPAN_STRONG:
        out += "</strong>";
        break;
      case MD_SPAN_DEL:
        out += "</del>";
        break;
      case MD_SPAN_CODE:
        out += "</code>";
        --in_code_;
        break;
      case MD_SPAN_A:
      case MD_SPAN_IMG:
        if (!links_.empty() && links_.back()) out += "</a>";
        if (!links_.empty()) links_.pop_back();
        break;
      default:
        break;
    }
    return 0;
  }

  int text(MD_TEXTTYPE type, std::string_view text) {
    switch (type) {
      case MD_TEXT_NULLCHAR:
        out += "\xEF\xBF\xBD";
        break;
      case MD_TEXT_BR:
      case MD_TEXT_SOFTBR:
        out += in_code_ ? "\n" : "<br>\n";
        break;
      case MD_TEXT_NORMAL:
        if (in_code_) {
          escape_into(out, text);
        } else {
          with_emoji(text);
        }
        break;
      default:  // code, entities (shown as typed), HTML (never with NOHTML), math
        escape_into(out, text);
        break;
    }
    return 0;
  }

 private:
  // ":name:" of a known emoji becomes it; the rest is escaped text.
  void with_emoji(std::string_view text) {
    size_t done = 0;
    for (size_t open = text.find(':'); open != std::string_view::npos; open = text.find(':', open + 1)) {
      size_t close = text.find(':', open + 1);
      if (close == std::string_view::npos) break;
      std::string_view emoji = emoji_for(text.substr(open + 1, close - open - 1));
      if (emoji.empty()) continue;
      escape_into(out, text.substr(done, open - done));
      out += emoji;
      done = close + 1;
      open = close;
    }
    escape_into(out, text.substr(done));
  }

  int in_code_ = 0;
  std::vector<bool> links_;  // per open link or image: whether an <a> was written
};

}  // namespace

std::string render_markdown(std::string_view text) {
  Renderer renderer;
  renderer.out.reserve(text.size() + text.size() / 2 + 16);
  MD_PARSER parser{};
  parser.abi_version = 0;
  parser.flags =
      MD_FLAG_NOHTML | MD_FLAG_STRIKETHROUGH | MD_FLAG_PERMISSIVEAUTOLINKS | MD_FLAG_NOINDENTEDCODEBLOCKS;
  parser.enter_block = [](MD_BLOCKTYPE type, void* detail, void* self) {
    return static_cast<Renderer*>(self)->enter_block(type, detail);
  };
  parser.leave_block = [](MD_BLOCKTYPE type, void* detail, void* self) {
    return static_cast<Renderer*>(self)->leave_block(type, detail);
  };
  parser.enter_span = [](MD_SPANTYPE type, void* detail, void* self) {
    return static_cast<Renderer*>(self)->enter_span(type, detail);
  };
  parser.leave_span = [](MD_SPANTYPE type, void* detail, void* self) {
    return static_cast<Renderer*>(self)->leave_span(type, detail);
  };
  parser.text = [](MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* self) {
    return static_cast<Renderer*>(self)->text(type, std::string_view(text, size));
  };
  if (md_parse(text.data(), static_cast<MD_SIZE>(text.size()), &parser, &renderer) != 0) {
    // md4c gives up only on running out of memory: show the text as typed.
    std::string plain = "<p>";
    escape_into(plain, text);
    return plain + "</p>\n";
  }
  while (!renderer.out.empty() && renderer.out.back() == '\n') renderer.out.pop_back();
  return std::move(renderer.out);
}

}  // namespace townhall::api
