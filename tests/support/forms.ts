/** The add-endpoint dialog's form filled in correctly, every field a string as the browser sends it. */
export const VALID_ENDPOINT_FORM = {
  name: "valid-endpoint",
  baseUrl: "https://api.example.test/v1",
  apiStyle: "openai",
  apiKey: "",
  models: "model-a\nmodel-b",
  eurPerMInput: "1",
  eurPerMOutput: "2",
};
