// Parse GEXF files with graphology-gexf and print a JSON summary of each (used by the tests).
"use strict";
const fs = require("fs");
const { MultiGraph } = require("graphology");
const gexf = require("graphology-gexf");

const summaries = process.argv.slice(2).map((path) => {
  const graph = gexf.parse(MultiGraph, fs.readFileSync(path, "utf-8"));
  const edge = graph.edges()[0];
  return {
    path,
    order: graph.order,
    size: graph.size,
    type: graph.type,
    multi: graph.multi,
    nodeAttributes: graph.order ? graph.getNodeAttributes(graph.nodes()[0]) : {},
    edgeAttributes: edge ? graph.getEdgeAttributes(edge) : {},
  };
});
process.stdout.write(JSON.stringify(summaries) + "\n");
