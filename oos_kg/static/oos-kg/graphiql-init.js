// oos-kg: start GraphiQL on the page's GraphQL endpoint, with the example questions in a panel.
// Configuration comes from the page's <script type="application/json" id="oos-kg-config">.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("oos-kg-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var examples = config.examples || [];
  var h = React.createElement;

  function ExamplesPanel() {
    var editor = GraphiQL.React.useEditorContext({ nonNull: true });
    return h(
      "div",
      { className: "oos-kg-graphiql-examples" },
      h("div", { className: "graphiql-doc-explorer-title" }, "Example questions"),
      h(
        "ol",
        null,
        examples.map(function (example, index) {
          return h(
            "li",
            { key: index },
            h(
              "button",
              {
                type: "button",
                className: "oos-kg-example",
                onClick: function () {
                  if (editor.queryEditor) editor.queryEditor.setValue(example.query);
                },
              },
              example.title
            )
          );
        })
      )
    );
  }

  function ExamplesIcon() {
    return h("span", { "aria-hidden": "true", className: "oos-kg-icon" }, "?");
  }

  var plugins = examples.length
    ? [{ title: "Example questions", icon: ExamplesIcon, content: ExamplesPanel }]
    : [];
  var props = {
    fetcher: GraphiQL.createFetcher({ url: endpoint }),
    plugins: plugins,
    defaultEditorToolsVisibility: true,
    shouldPersistHeaders: false,
  };
  if (examples.length) {
    props.defaultQuery = examples[0].query;
    props.visiblePlugin = plugins[0];
  }
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(h(GraphiQL, props));
})();
