export declare const compiledFolders: string[];
export declare function builtStamp(root: string): string;
export declare function compiledMain(root: string): string;
export declare function cliBuildState(root: string): 'missing' | 'stale' | 'current';
