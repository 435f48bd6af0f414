/** Where the generated code goes: the package's src/gen/. */
export declare const generatedDir: string;
/** The spark-connect jar: `jarOrFolder` itself, or the spark-connect_2.13 jar in that folder. */
export declare function findConnectJar(jarOrFolder: string): Promise<string>;
/** Generates the protocol code unless it was already generated from this very jar; true when it did. */
export declare function generateProtocol(jarOrFolder: string): Promise<boolean>;
