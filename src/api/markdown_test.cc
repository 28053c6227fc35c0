#include "api/markdown.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace townhall::api {
namespace {

TEST(Markdown, WhatChatPeopleWrite) {
  EXPECT_EQ(render_markdown("hello"), "<p>hello</p>");
  EXPECT_EQ(render_markdown("**bold** *it* _it_ ~~gone~~ `a < b`"),
            "<p><strong>bold</strong> <em>it</em> <em>it</em> <del>gone</del> <code>a &lt; b</code></p>");
  EXPECT_EQ(render_markdown("one\ntwo"), "<p>one<br>\ntwo</p>");
  EXPECT_EQ(render_markdown("para\n\nnext"), "<p>para</p>\n<p>next</p>");
  EXPECT_EQ(render_markdown("```\nint x = a<b;\n  y();\n```"),
            "<pre><code>int x = a&lt;b;\n  y();\n</code></pre>");
  EXPECT_EQ(render_markdown("> quoted"), "<blockquote><p>quoted</p>\n</blockquote>");
  EXPECT_EQ(render_markdown("- a\n- b"), "<ul><li>a</li>\n<li>b</li>\n</ul>");
  EXPECT_EQ(render_markdown("3. c\n4. d"), "<ol start=\"3\"><li>c</li>\n<li>d</li>\n</ol>");
  EXPECT_EQ(render_markdown("# Title"), "<p><strong>Title</strong></p>");
  EXPECT_EQ(render_markdown("    not code"), "<p>not code</p>");  // chats do not indent code
  EXPECT_EQ(render_markdown("ship it :rocket: :tada::+1: :nope: `:tada:`"),
            "<p>ship it 🚀 🎉👍 :nope: <code>:tada:</code></p>");
}

TEST(Markdown, LinksOpenSafelyInANewTab) {
  const std::string attrs = "\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">";
  EXPECT_EQ(render_markdown("see https://example.com/a?b=1&c=2"),
            "<p>see <a href=\"https://example.com/a?b=1&amp;c=2" + attrs +
                "https://example.com/a?b=1&amp;c=2</a></p>");
  EXPECT_EQ(render_markdown("www.example.com"),
            "<p><a href=\"http://www.example.com" + attrs + "www.example.com</a></p>");
  EXPECT_EQ(render_markdown("mail ann@example.com"),
            "<p>mail <a href=\"mailto:ann@example.com" + attrs + "ann@example.com</a></p>");
  EXPECT_EQ(render_markdown("[docs](https://example.com/\"x)"),
            "<p><a href=\"https://example.com/&quot;x" + attrs + "docs</a></p>");
  // Images are never loaded: a link to them.
  EXPECT_EQ(render_markdown("![cat](https://example.com/cat.png)"),
            "<p><a href=\"https://example.com/cat.png" + attrs + "cat</a></p>");
}

// Every tag in html is one the renderer may write, and every link is
// http(s)/mailto with exactly our attributes: whatever the input, nothing
// else can reach the page as markup (text is escaped).
bool only_allowed_markup(const std::string& html) {
  static const std::vector<std::string> allowed = {"p",          "br", "strong", "em", "del", "code", "pre",
                                                   "blockquote", "ul", "ol",     "li", "hr",  "a"};
  for (size_t open = html.find('<'); open != std::string::npos; open = html.find('<', open + 1)) {
    size_t close = html.find('>', open);
    if (close == std::string::npos) return false;
    std::string tag = html.substr(open + 1, close - open - 1);
    if (!tag.empty() && tag[0] == '/') tag.erase(0, 1);
    std::string name = tag.substr(0, tag.find(' '));
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) return false;
    if (name == "a" && tag != "a") {
      size_t href = tag.find("a href=\"");
      if (href != 0) return false;
      std::string rest = tag.substr(8);
      std::string url = rest.substr(0, rest.find('"'));
      if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0 && url.rfind("mailto:", 0) != 0)
        return false;
      if (rest.substr(url.size()) != "\" target=\"_blank\" rel=\"noopener noreferrer nofollow\"")
        return false;
    } else if (name == "ol" && tag.find(' ') != std::string::npos) {
      if (tag.rfind("ol start=\"", 0) != 0) return false;
    } else if (tag != name) {
      return false;  // no attributes on anything else
    }
  }
  return true;
}

// The payloads that get through naive renderers: each comes out inert.
TEST(Markdown, NoHtmlOrScriptGetsThrough) {
  auto inert = [](const std::string& payload) {
    std::string html = render_markdown(payload);
    EXPECT_TRUE(only_allowed_markup(html)) << payload << " -> " << html;
    return html;
  };
  EXPECT_EQ(inert("<script>alert(1)</script>"), "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
  EXPECT_EQ(inert("<img src=x onerror=alert(1)>"), "<p>&lt;img src=x onerror=alert(1)&gt;</p>");
  EXPECT_EQ(inert("[click](javascript:alert(1))"), "<p>click</p>");
  EXPECT_EQ(inert("[click](JaVaScRiPt:alert(1))"), "<p>click</p>");
  EXPECT_EQ(inert("[click](&#106;avascript:alert(1))"), "<p>click</p>");  // a reference hides the scheme
  EXPECT_EQ(inert("[click](&#x68;ttps://example.com)"), "<p>click</p>");  // refused, even if harmless
  EXPECT_EQ(inert("[click](data:text/html;base64,PHNjcmlwdD4=)"), "<p>click</p>");
  EXPECT_EQ(inert("[click](vbscript:msgbox)"), "<p>click</p>");
  EXPECT_EQ(inert("[click]( javascript:alert(1))"), "<p>click</p>");
  EXPECT_EQ(inert("<javascript:alert(1)>"), "<p>javascript:alert(1)</p>");  // an autolink refused: its text
  EXPECT_EQ(inert("![x](javascript:alert(1))"), "<p>x</p>");
  EXPECT_EQ(inert("**[x](javascript:alert(1))**"), "<p><strong>x</strong></p>");
  EXPECT_EQ(inert("<a href=\"javascript:alert(1)\">x</a>"),
            "<p>&lt;a href=&quot;javascript:alert(1)&quot;&gt;x&lt;/a&gt;</p>");
  EXPECT_EQ(inert("&lt;script&gt;"), "<p>&amp;lt;script&amp;gt;</p>");  // entities show as typed
  EXPECT_EQ(inert("<div>\n<script>alert(1)</script>\n</div>"),
            "<p>&lt;div&gt;<br>\n&lt;script&gt;alert(1)&lt;/script&gt;<br>\n&lt;/div&gt;</p>");
  EXPECT_EQ(inert("`<svg onload=alert(1)>`"), "<p><code>&lt;svg onload=alert(1)&gt;</code></p>");
  EXPECT_EQ(
      inert("[x](https://example.com \"t\\\" onmouseover=\\\"alert(1)\")"),
      "<p><a href=\"https://example.com\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">x</a></p>");
  inert(std::string("a\0b", 3));
}

// Random mixes of Markdown, HTML and URL pieces: never anything but the allowed markup.
TEST(Markdown, RandomInputStaysInert) {
  const std::vector<std::string> pieces = {"<",
                                           ">",
                                           "<script>",
                                           "</script>",
                                           "<img src=x onerror=alert(1)>",
                                           "[",
                                           "]",
                                           "(",
                                           ")",
                                           "![",
                                           "javascript:",
                                           "https://e.com/",
                                           "www.e.com",
                                           "a@b.c",
                                           "&#106;",
                                           "&amp;",
                                           "&",
                                           "\"",
                                           "'",
                                           "*",
                                           "**",
                                           "_",
                                           "~~",
                                           "`",
                                           "```\n",
                                           "\n",
                                           "\n\n",
                                           "> ",
                                           "- ",
                                           "1. ",
                                           "# ",
                                           "    ",
                                           ":tada:",
                                           ":",
                                           "x",
                                           " ",
                                           "\\",
                                           "<a href=",
                                           "data:",
                                           "\t"};
  uint32_t seed = 12345;
  auto next = [&seed] { return seed = seed * 1664525u + 1013904223u; };
  for (int round = 0; round < 20000; ++round) {
    std::string input;
    for (int n = next() % 24; n > 0; --n) input += pieces[next() % pieces.size()];
    std::string html = render_markdown(input);
    ASSERT_TRUE(only_allowed_markup(html)) << input << " -> " << html;
  }
}

}  // namespace
}  // namespace townhall::api
