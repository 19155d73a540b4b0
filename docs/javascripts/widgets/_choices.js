// The platform, tool and tool-choice options the Cost Calculator and the recommender both offer (not a widget:
// no mount point is named "_choices"). The values are the bridge's (calculators.pricing PLATFORMS,
// calculators.cost TOOLS and TOOL_CHOICES); Python checks whatever arrives and names a bad one.
export const PLATFORMS = [
  ["anthropic", "Claude API (Anthropic)"],
  ["bedrock", "Amazon Bedrock"],
  ["vertex", "Google Cloud Vertex AI"],
  ["foundry", "Microsoft Foundry"],
];
// Platforms whose regional endpoints cost more: the endpoint field is shown for these.
export const REGIONAL_PLATFORMS = new Set(["bedrock", "vertex"]);
export const TOOLS = [
  ["bash", "Bash"],
  ["text_editor", "Text editor"],
  ["computer_use", "Computer use"],
  ["browser", "Browser"],
  ["custom", "Your own tools"],
];
export const TOOL_CHOICES = [
  ["auto", "auto (the model decides)"],
  ["none", "none"],
  ["any", "any (must use a tool)"],
  ["tool", "tool (a named tool)"],
];
