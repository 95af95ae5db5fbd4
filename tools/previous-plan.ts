// The plan to compare with (`npm run plan -- --against <previous>`): a plan saved earlier with
// `--json`, or the plan of a git revision of the program and stack files, computed by that
// revision's own plan tool in a child process (the two programs never share one Pulumi runtime).
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { PlanData } from "./access-diff";

/** What a revision needs to run its plan: the program, the library, the tools and the project files. */
const REVISION_PATHS = ["index.ts", "components/", "tools/", "Pulumi.yaml", "package.json", "tsconfig.json"];

/** A problem with `--against` the user can fix. */
export class PreviousPlanError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PreviousPlanError";
    }
}

/** A saved `--json` plan of the same stack. */
export function readSavedPlan(file: string, stack: string): PlanData {
    let data: unknown;
    try {
        data = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
        throw new PreviousPlanError(`--against ${file}: not a plan saved with --json (${(err as Error).message})`);
    }
    const plan = data as Partial<PlanData>;
    if (typeof plan !== "object" || plan === null || typeof plan.stack !== "string" || !Array.isArray(plan.resources)) {
        throw new PreviousPlanError(`--against ${file}: not a plan saved with --json (no stack and resources)`);
    }
    if (plan.stack !== stack) {
        throw new PreviousPlanError(`--against ${file} is a plan of stack ${plan.stack}, not ${stack}`);
    }
    return { stack: plan.stack, resources: plan.resources };
}

function git(projectDir: string, args: readonly string[]): string {
    return execFileSync("git", ["-C", projectDir, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** The commit a revision names, or undefined when git does not know it. */
export function resolveRevision(projectDir: string, revision: string): string | undefined {
    try {
        return git(projectDir, ["rev-parse", "--verify", "--quiet", `${revision}^{commit}`]).trim() || undefined;
    } catch {
        return undefined;
    }
}

export interface RevisionPlanOptions {
    readonly projectDir: string;
    readonly revision: string;
    readonly stack: string;
    readonly accountId: string;
    /** The stack file: relative to the project, it is read at the revision; absolute (outside the project), as it is now. */
    readonly stackFile: string;
}

/**
 * Run the revision's plan for the stack. A stack file missing at the revision is an empty plan
 * (everything the current plan has is added).
 */
export function revisionPlan(options: RevisionPlanOptions): PlanData {
    const commit = resolveRevision(options.projectDir, options.revision);
    if (commit === undefined) {
        throw new PreviousPlanError(`--against ${options.revision}: neither a plan file nor a git revision of ${options.projectDir}`);
    }
    const prefix = git(options.projectDir, ["rev-parse", "--show-prefix"]).trim(); // the project inside the repository
    const files = git(options.projectDir, ["ls-tree", "-r", "--name-only", "--full-tree", commit, "--", prefix || "."])
        .split("\n")
        .filter(Boolean)
        .map((f) => f.slice(prefix.length));
    const external = path.isAbsolute(options.stackFile);
    const stackFile = external ? options.stackFile : options.stackFile.split(path.sep).join("/");
    if (!external && !files.includes(stackFile)) {
        return { stack: options.stack, resources: [] };
    }
    const wanted = files.filter((f) => f === stackFile || REVISION_PATHS.some((p) => (p.endsWith("/") ? f.startsWith(p) : f === p)));
    if (!wanted.includes("tools/plan.ts")) {
        throw new PreviousPlanError(`--against ${options.revision}: that revision has no tools/plan.ts to compute its plan`);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecr-ci-against-"));
    try {
        const archive = spawnSync("git", ["-C", options.projectDir, "archive", "--format=tar", `${commit}:${prefix}`, ...wanted], { maxBuffer: 256 * 1024 * 1024 });
        if (archive.status !== 0) {
            throw new PreviousPlanError(`--against ${options.revision}: git archive failed: ${archive.stderr.toString().trim()}`);
        }
        const tar = spawnSync("tar", ["-x", "-C", dir], { input: archive.stdout });
        if (tar.status !== 0) {
            throw new PreviousPlanError(`--against ${options.revision}: tar failed: ${tar.stderr.toString().trim()}`);
        }
        fs.symlinkSync(fs.realpathSync(path.join(options.projectDir, "node_modules")), path.join(dir, "node_modules"), "dir");
        const args = ["-r", "./tools/ts-register.js", "tools/plan.ts", "--stack", options.stack, "--json", "--account", options.accountId, "--config-file", stackFile];
        const run = spawnSync(process.execPath, args, { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 256 * 1024 * 1024 });
        if (run.status !== 0) {
            throw new PreviousPlanError(`--against ${options.revision}: the plan of stack ${options.stack} at that revision failed:\n${(run.stderr || run.stdout).trim()}`);
        }
        const plan = JSON.parse(run.stdout) as PlanData;
        return { stack: plan.stack, resources: plan.resources };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** `--against`: an existing file is a saved plan; anything else must be a git revision. */
export function previousPlan(against: string, options: Omit<RevisionPlanOptions, "revision">): PlanData {
    if (fs.existsSync(against) && fs.statSync(against).isFile()) {
        return readSavedPlan(against, options.stack);
    }
    return revisionPlan({ ...options, revision: against });
}
