// Ambient declarations the TypeScript 7 compiler needs for Vite's asset imports.
declare module '*.css';
