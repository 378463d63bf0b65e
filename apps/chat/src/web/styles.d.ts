/** esbuild turns `import "./styles.css"` into the page's stylesheet (dist/public/assets/app-[hash].css). */
declare module "*.css";
