/** The page's frame: a header with the views, and the view the URL names. */
import { useEffect } from "preact/hooks";
import { AgentPage } from "./agent-page.js";
import { CallPage } from "./call-page.js";
import { CallsPage } from "./calls-page.js";
import { ConversationPage } from "./conversation-page.js";
import { ConversationsPage } from "./conversations-page.js";
import { OverviewPage } from "./overview-page.js";
import { interceptLinks, type Route, useRoute } from "./router.js";

export function App() {
  useEffect(interceptLinks, []);
  const route = useRoute();
  return (
    <>
      <header>
        <a class="brand" href="/">
          pllm view
        </a>
        <nav>
          <a href="/" class={route.path === "/" ? "current" : ""}>
            Overview
          </a>
          <a href="/calls" class={route.path === "/calls" ? "current" : ""}>
            Calls
          </a>
          <a href="/conversations" class={route.path === "/conversations" ? "current" : ""}>
            Conversations
          </a>
        </nav>
        <span class="live" title="The page updates while a pipeline writes">
          live
        </span>
      </header>
      <main>
        <View route={route} />
      </main>
    </>
  );
}

function View(props: { route: Route }) {
  switch (props.route.path) {
    case "/":
      return <OverviewPage />;
    case "/calls":
      return <CallsPage route={props.route} />;
    case "/call":
      return <CallPage route={props.route} />;
    case "/agent":
      return <AgentPage route={props.route} />;
    case "/conversations":
      return <ConversationsPage />;
    case "/conversation":
      return <ConversationPage route={props.route} />;
    default:
      return <p class="error">No page at {props.route.path}.</p>;
  }
}
