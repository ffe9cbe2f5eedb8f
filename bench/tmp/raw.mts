import OpenAI from "openai";
import pLimit from "p-limit";

const openai = new OpenAI({ apiKey: "sk-fake", baseURL: "http://127.0.0.1:45556/v1", maxRetries: 0 });
const limit = pLimit(100);
for (const mode of ["sdk", "fetch", "sdk"]) {
  const t = performance.now();
  await Promise.all(
    Array.from({ length: 2000 }, (_, i) =>
      limit(async () => {
        if (mode === "sdk")
          return openai.responses.create({
            model: "gpt-4.1-mini",
            input: [{ role: "user", content: `Summarise item ${i} in one line.` }],
          });
        const r = await fetch("http://127.0.0.1:45556/v1/responses", {
          method: "POST",
          headers: { "content-type": "application/json", authorization: "Bearer sk-fake" },
          body: JSON.stringify({
            model: "gpt-4.1-mini",
            input: [{ role: "user", content: `Summarise item ${i} in one line.` }],
          }),
        });
        return r.json();
      }),
    ),
  );
  console.log(mode, performance.now() - t);
}
