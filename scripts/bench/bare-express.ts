/** A bare Express page of about the library page's size, the baseline for the page benchmark. */
import express from "express";

const body = `<!DOCTYPE html><html lang="en"><head><title>Bare</title></head><body>${"<p>Lorem ipsum dolor sit amet.</p>".repeat(400)}</body></html>`;
const app = express();
app.get("/", (_request, response) => response.type("html").send(body));
const port = Number(process.env.PORT ?? 18_802);
app.listen(port, "localhost", () => console.log(`listening on ${port}`));
