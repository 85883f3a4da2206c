import { expect } from "chai";
import { clip, excerptAround, MAX_EXCERPT_CHARS } from "../../src/failure/excerpt";

describe("excerpts", () => {
  it("keeps a short line whole, trimmed", () => {
    expect(excerptAround("\t exit code: 137  ", 3)).to.equal("exit code: 137");
  });

  it("cuts a long line around the match, marking both cuts", () => {
    const line = `${"a".repeat(1000)}MATCH${"b".repeat(1000)}`;
    const excerpt = excerptAround(line, 1000);
    expect(excerpt).to.have.length(MAX_EXCERPT_CHARS);
    expect(excerpt.startsWith("…")).to.equal(true);
    expect(excerpt.endsWith("…")).to.equal(true);
    expect(excerpt.indexOf("MATCH")).to.equal(121);
  });

  it("cuts only the start when the match is near the end", () => {
    const line = `${"a".repeat(1000)}MATCH`;
    const excerpt = excerptAround(line, 1000);
    expect(excerpt).to.have.length(MAX_EXCERPT_CHARS);
    expect(excerpt.startsWith("…")).to.equal(true);
    expect(excerpt.endsWith("MATCH")).to.equal(true);
  });

  it("cuts only the end when the match is near the start", () => {
    const excerpt = excerptAround(`MATCH${"b".repeat(1000)}`, 0);
    expect(excerpt).to.have.length(MAX_EXCERPT_CHARS);
    expect(excerpt.startsWith("MATCH")).to.equal(true);
    expect(excerpt.endsWith("…")).to.equal(true);
  });

  it("clips constructed text to the limit", () => {
    expect(clip("x".repeat(600))).to.equal(`${"x".repeat(MAX_EXCERPT_CHARS - 1)}…`);
    expect(clip("  short  ")).to.equal("short");
  });
});
