// Starts GraphiQL 3 (window.GraphiQL, React 18 UMD globals) with the options the gateway rendered
// into #graphiql-options (see src/web/graphiql.ts). Plain browser JavaScript, served as is: GraphiQL
// must work without any build step.
(function () {
  'use strict';
  var boot = JSON.parse(document.getElementById('graphiql-options').textContent);
  var url = new URL(boot.fetcher.endpoint || location.pathname, location.href).toString();
  var fetcher = GraphiQL.createFetcher({
    url: url,
    headers: boot.fetcher.headers,
    fetch: function (input, init) {
      return fetch(input, Object.assign({}, init, { credentials: boot.fetcher.credentials }));
    },
  });
  var props = Object.assign({}, boot.props, { fetcher: fetcher });
  var logo = React.createElement(GraphiQL.Logo, null, boot.title);
  ReactDOM.createRoot(document.getElementById('graphiql')).render(React.createElement(GraphiQL, props, logo));
})();
