// Start Swagger UI on /docs: the OpenAPI address comes from the page, the validator badge
// (which would call a public validator) is off.
(function () {
  "use strict";
  var node = document.getElementById("swagger-ui");
  window.oosKgSwagger = SwaggerUIBundle({
    url: node.getAttribute("data-openapi-url"),
    domNode: node,
    layout: "BaseLayout",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
  });
})();
