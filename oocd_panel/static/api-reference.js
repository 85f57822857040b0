// The API's reference page: ReDoc (static/build/redoc.standalone.js) reading the OpenAPI
// document named on the page. No search (it would start a worker from a blob: address, which
// the Content Security Policy refuses), the product's font, nothing fetched from elsewhere.
(function () {
  var element = document.getElementById("api-reference");
  window.Redoc.init(
    element.getAttribute("data-spec"),
    {
      disableSearch: true,
      hideLoading: true,
      expandResponses: "200,201",
      jsonSampleExpandLevel: 3,
      pathInMiddlePanel: true,
      theme: {
        typography: {
          fontFamily: "Arial, sans-serif",
          headings: { fontFamily: "Arial, sans-serif" },
          code: { fontFamily: "monospace" },
        },
        colors: { primary: { main: "#1d70b8" } },
      },
    },
    element
  );
})();
